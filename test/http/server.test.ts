import { createHmac } from "node:crypto";
import { connect } from "node:net";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { App, HTTPReceiver, LogLevel } from "@slack/bolt";
import { createHttpServer, type HttpServer, type Readiness, type Route } from "../../src/http/server.js";
import { createLogger } from "../../src/log.js";
import { createMetrics, type Metrics } from "../../src/metrics.js";

let http: HttpServer | undefined;
let base: string;
let logText: string;

afterEach(async () => {
  await http?.close(100);
  http = undefined;
});

async function start(
  options: { readiness?: () => Promise<Readiness>; routes?: Route[]; metrics?: Metrics; readinessTimeoutMs?: number } = {},
): Promise<Metrics> {
  const metrics = options.metrics ?? createMetrics();
  logText = "";
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logText += chunk.toString();
      done();
    },
  });
  http = createHttpServer({
    metrics,
    readiness: options.readiness ?? (async () => ({ ready: true, checks: { store: true } })),
    ...(options.routes ? { routes: options.routes } : {}),
    log: createLogger({ destination }),
    ...(options.readinessTimeoutMs ? { readinessTimeoutMs: options.readinessTimeoutMs } : {}),
  });
  const port = await http.listen(0, "127.0.0.1");
  base = `http://127.0.0.1:${port}`;
  return metrics;
}

describe("health endpoints", () => {
  it("listen on port 0 resolves with the port actually bound", async () => {
    await start();
    expect(Number(new URL(base).port)).toBeGreaterThan(0);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it("answers /healthz with 200 ok even while not ready", async () => {
    await start({ readiness: async () => ({ ready: false, checks: { store: false } }) });
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("ok\n");
  });

  it("answers /readyz with 200 and every check when ready", async () => {
    await start({ readiness: async () => ({ ready: true, checks: { store: true, slack: true } }) });
    const response = await fetch(`${base}/readyz`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toEqual({ ready: true, checks: { store: true, slack: true } });
  });

  it("answers /readyz with 503 and the failing check when not ready", async () => {
    await start({ readiness: async () => ({ ready: false, checks: { store: true, discord: false } }) });
    const response = await fetch(`${base}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ ready: false, checks: { store: true, discord: false } });
  });

  it("answers /readyz with 503 when the readiness probe throws, without echoing its error", async () => {
    await start({ readiness: async () => Promise.reject(new Error("connect ECONNREFUSED 10.0.0.5:5432")) });
    const response = await fetch(`${base}/readyz`);
    expect(response.status).toBe(503);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ ready: false, checks: {} });
    expect(text).not.toContain("ECONNREFUSED");
  });

  it("answers /readyz with 503 when the readiness probe hangs past its timeout", async () => {
    await start({ readiness: () => new Promise<Readiness>(() => {}), readinessTimeoutMs: 50 });
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
  });

  it("refuses POST on the health paths with 405 and an Allow header", async () => {
    await start();
    const response = await fetch(`${base}/healthz`, { method: "POST" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
  });

  it("answers 404 for a path nothing serves", async () => {
    await start();
    expect((await fetch(`${base}/admin`)).status).toBe(404);
  });
});

describe("/metrics", () => {
  it("serves railcache's counters and the event-loop lag in Prometheus text format", async () => {
    const metrics = await start();
    metrics.questions.inc({ matched: "true" });
    metrics.questions.inc({ matched: "true" });
    metrics.questions.inc({ matched: "false" });
    metrics.workflows.inc({ outcome: "succeeded" });
    metrics.railwayRequests.inc({ operation: "ProjectStatus", status: "ok" });
    metrics.railwayRateRemaining.set(987);
    metrics.warningsPosted.inc({ rule: "repeated_failure" });
    metrics.chatApiErrors.inc({ platform: "slack" });

    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const text = await response.text();
    expect(text).toContain('railcache_questions_total{matched="true"} 2');
    expect(text).toContain('railcache_questions_total{matched="false"} 1');
    expect(text).toContain('railcache_workflows_total{outcome="succeeded"} 1');
    expect(text).toContain('railcache_railway_requests_total{operation="ProjectStatus",status="ok"} 1');
    expect(text).toContain("railcache_railway_rate_limit_remaining 987");
    expect(text).toContain('railcache_warnings_posted_total{rule="repeated_failure"} 1');
    expect(text).toContain('railcache_chat_api_errors_total{platform="slack"} 1');
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
  });

  it("keeps the counts of two registries apart (no shared singleton)", async () => {
    const first = createMetrics({ processMetrics: false });
    const second = createMetrics({ processMetrics: false });
    first.questions.inc({ matched: "true" });
    expect(await second.registry.getSingleMetricAsString("railcache_questions_total")).not.toContain("} 1");
    expect(await first.registry.getSingleMetricAsString("railcache_questions_total")).toContain('railcache_questions_total{matched="true"} 1');
  });
});

describe("mounted routes", () => {
  const echo: Route = {
    method: "POST",
    prefix: "/webhooks/railway/",
    handler: (req, res) => {
      res.writeHead(202, { "content-type": "text/plain" });
      res.end(`got ${req.url}`);
    },
  };

  it("hands a request under the prefix to the route's raw handler", async () => {
    await start({ routes: [echo] });
    const response = await fetch(`${base}/webhooks/railway/abc?x=1`, { method: "POST", body: "{}" });
    expect(response.status).toBe(202);
    expect(await response.text()).toBe("got /webhooks/railway/abc?x=1");
  });

  it("does not match a path that only shares the prefix's first letters", async () => {
    await start({ routes: [{ ...echo, prefix: "/slack/events" }] });
    expect((await fetch(`${base}/slack/eventsX`, { method: "POST" })).status).toBe(404);
    expect((await fetch(`${base}/slack/events`, { method: "POST" })).status).toBe(202);
  });

  it("serves a route added to the routes list after listen()", async () => {
    const routes: Route[] = [];
    await start({ routes });
    expect((await fetch(`${base}/webhooks/railway/abc`, { method: "POST" })).status).toBe(404);
    routes.push(echo);
    expect((await fetch(`${base}/webhooks/railway/abc`, { method: "POST" })).status).toBe(202);
  });

  it("answers 405 when the path matches but the method does not", async () => {
    await start({ routes: [echo] });
    const response = await fetch(`${base}/webhooks/railway/abc`);
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });

  it("answers 500 when a handler rejects, logging the route but never the secret in the path", async () => {
    const secret = "wh-5e0c9b1a7d3f4e2a8c6b0d9e1f3a5c7b";
    await start({ routes: [{ ...echo, handler: async () => Promise.reject(new Error("store closed")) }] });
    const response = await fetch(`${base}/webhooks/railway/${secret}`, { method: "POST", body: "{}" });
    expect(response.status).toBe(500);
    expect(logText).toContain("http.handler_failed");
    expect(logText).toContain("store closed");
    expect(logText).not.toContain(secret);
  });

  it("answers 500 when a handler throws synchronously", async () => {
    await start({
      routes: [
        {
          ...echo,
          handler: () => {
            throw new Error("unexpected path");
          },
        },
      ],
    });
    expect((await fetch(`${base}/webhooks/railway/x`, { method: "POST" })).status).toBe(500);
  });

  it("mounts Bolt's HTTPReceiver requestListener at /slack/events: a bad signature gets 401, a signed command is acked", async () => {
    const signingSecret = "8f742231b10e8888abcd99yyyzzz85a5";
    const receiver = new HTTPReceiver({ signingSecret, endpoints: "/slack/events", logLevel: LogLevel.ERROR });
    // botId and botUserId given: Bolt then never calls auth.test (no network in tests).
    const app = new App({ token: "xoxb-test", botId: "B1", botUserId: "U0BOT", receiver, deferInitialization: true, tokenVerificationEnabled: false });
    let received = 0;
    app.command("/railcache", async ({ ack }) => {
      received += 1;
      await ack();
    });
    await app.init();
    await start({ routes: [{ method: "*", prefix: "/slack/events", handler: receiver.requestListener }] });
    const body = new URLSearchParams({
      command: "/railcache",
      text: "help",
      team_id: "T1",
      user_id: "U1",
      channel_id: "C1",
      trigger_id: "1.2.3",
      response_url: "https://hooks.slack.test/x",
      token: "t",
    }).toString();
    const post = (signature: string, timestamp: number) =>
      fetch(`${base}/slack/events`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "x-slack-signature": signature, "x-slack-request-timestamp": String(timestamp) },
        body,
      });
    const now = Math.floor(Date.now() / 1000);
    expect((await post("v0=deadbeef", now)).status).toBe(401);
    expect(received).toBe(0);
    const good = `v0=${createHmac("sha256", signingSecret).update(`v0:${now}:${body}`).digest("hex")}`;
    expect((await post(good, now)).status).toBe(200);
    expect(received).toBe(1);
  });
});

describe("close()", () => {
  it("waits for an in-flight request to finish, then stops accepting connections", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    await start({
      routes: [
        {
          method: "GET",
          prefix: "/slow",
          handler: async (_req, res) => {
            entered();
            await gate;
            res.end("done");
          },
        },
      ],
    });
    const slow = fetch(`${base}/slow`).then(async (r) => ({ status: r.status, text: await r.text() }));
    await inside;
    let closed = false;
    const closing = http!.close(5_000).then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closed).toBe(false);
    release();
    expect(await slow).toEqual({ status: 200, text: "done" });
    await closing;
    expect(closed).toBe(true);
    const port = Number(new URL(base).port);
    await expect(new Promise((resolve, reject) => connect(port, "127.0.0.1").on("connect", resolve).on("error", reject))).rejects.toMatchObject({
      code: "ECONNREFUSED",
    });
  });

  it("answers a readiness probe that was in flight when draining began with 503 draining", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let probed!: () => void;
    const probing = new Promise<void>((resolve) => (probed = resolve));
    await start({
      readiness: async () => {
        probed();
        await gate;
        return { ready: true, checks: { store: true } };
      },
    });
    const answer = fetch(`${base}/readyz`).then(async (r) => ({ status: r.status, body: (await r.json()) as unknown }));
    await probing;
    const closing = http!.close(5_000);
    release();
    expect(await answer).toEqual({ status: 503, body: { ready: false, checks: { store: true }, draining: true } });
    await closing;
  });

  it("forces lingering requests closed after the drain timeout", async () => {
    await start({ routes: [{ method: "GET", prefix: "/hang", handler: () => new Promise<void>(() => {}) }] });
    const hung = fetch(`${base}/hang`).then(
      () => "answered",
      () => "cut off",
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    await http!.close(50);
    expect(await hung).toBe("cut off");
  });

  it("resolves when the server never listened", async () => {
    const server = createHttpServer({
      metrics: createMetrics({ processMetrics: false }),
      readiness: async () => ({ ready: true, checks: {} }),
      log: createLogger({ level: "silent" }),
    });
    await expect(server.close()).resolves.toBeUndefined();
  });
});
