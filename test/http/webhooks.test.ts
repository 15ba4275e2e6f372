import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { SlackMessenger } from "../../src/adapters/slack/messenger.js";
import { decodeAction } from "../../src/adapters/slack/render.js";
import { botScopes } from "../../src/adapters/slack/manifest.js";
import { parseActionValue } from "../../src/core/watcher/index.js";
import { createWebhookHandler, parseWebhookPayload } from "../../src/http/webhooks.js";
import { createLogger } from "../../src/log.js";
import type { SimDeployment } from "../../src/railway/simulator/index.js";
import { startFakeSlack, type FakeSlack } from "../fakes/slack/server.js";
import { createHarness, type Harness } from "../core/watcher/harness.js";
import { MessengerRegistry } from "../../src/core/messengers.js";
import { quietWebClient } from "../fakes/slack/quiet-client.js";

const SECRET = "wh-9f3c1a7e5b2d4c6e8a0b1c3d5e7f9a1b";
const noConfigWarning = { rules: { configFile: { enabled: false } } };

let h: Harness;
let server: Server;
let base: string;
let logText: string;
let slack: FakeSlack | undefined;

afterEach(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await h.close();
  await slack?.stop();
  slack = undefined;
});

async function setUp(options: { maxBytes?: number } = {}): Promise<void> {
  h = await createHarness({ watcher: noConfigWarning });
  logText = "";
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logText += chunk.toString();
      done();
    },
  });
  const handler = createWebhookHandler({
    secret: SECRET,
    // The harness may swap its watcher (restart): always hand hints to the current one.
    watcher: { acceptHint: (hint) => h.watcher.acceptHint(hint) },
    log: createLogger({ destination }),
    maxBytes: options.maxBytes ?? 8192,
  });
  server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function deliver(
  body: unknown,
  options: { secret?: string; method?: string; raw?: string } = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${base}/webhooks/railway/${options.secret ?? SECRET}`, {
    method: options.method ?? "POST",
    headers: { "content-type": "application/json" },
    ...(options.method === "GET" ? {} : { body: options.raw ?? JSON.stringify(body) }),
  });
  const json = (await response.json()) as Record<string, unknown>;
  await h.watcher.idle();
  return { status: response.status, json };
}

/** Railway's current payload for a deployment event. */
function currentPayload(d: SimDeployment, type: string, projectId = d.projectId) {
  const service = h.world.services.get(d.serviceId)!;
  const env = h.world.environments.get(d.environmentId)!;
  return {
    type,
    details: { id: d.id, source: "GitHub", status: d.status, branch: "main", commitHash: d.meta.commitHash },
    resource: {
      workspace: { id: "ws-1", name: "Acme" },
      project: { id: projectId, name: "demo-shop" },
      environment: { id: env.id, name: env.name, isEphemeral: false },
      service: { id: service.id, name: service.name },
      deployment: { id: d.id },
    },
    severity: "WARNING",
    timestamp: new Date(h.sim.clock.now()).toISOString(),
  };
}

/** The older payload: type DEPLOY with a status. */
function legacyPayload(d: SimDeployment) {
  const service = h.world.services.get(d.serviceId)!;
  const env = h.world.environments.get(d.environmentId)!;
  return {
    type: "DEPLOY",
    timestamp: new Date(h.sim.clock.now()).toISOString(),
    project: { id: d.projectId, name: "demo-shop", description: "", createdAt: "2026-01-05T10:00:00.000Z" },
    environment: { id: env.id, name: env.name },
    deployment: { id: d.id, creator: { id: "u1", name: "Priya", avatar: "" }, meta: d.meta },
    service: { id: service.id, name: service.name },
    status: d.status,
  };
}

/** Stages a failure and lets it finish without the watcher polling. */
async function crashedWithoutPolling(kind: "staleCache" | "plainFailure", service: string, env: string): Promise<SimDeployment> {
  await h.watcher.pollOnce(); // the watcher knows the project's names
  const deployment = h.sim.scenario[kind](service, env)!;
  h.sim.advance(3 * 60_000);
  expect(deployment.status).toBe("CRASHED");
  return deployment;
}

const deploymentFetches = () => h.sim.requests.filter((r) => r.operationName === "Deployment").length;

describe("Railway webhooks", () => {
  it("turns a current-format Deployment.crashed into one stale-cache card, also when the poll sees it too", async () => {
    await setUp();
    const deployment = await crashedWithoutPolling("staleCache", "web", "production");
    const first = await deliver(currentPayload(deployment, "Deployment.crashed"));
    expect(first).toEqual({ status: 202, json: { accepted: true, outcome: "accepted" } });
    expect(h.messenger.cardsFor(deployment.id)).toHaveLength(1);
    expect(h.messenger.posts[0]!.reply.title).toMatch(/stale build cache/);

    await h.watcher.pollOnce();
    expect(h.messenger.posts).toHaveLength(1);
    expect(h.messenger.updates).toHaveLength(0);
  });

  it("posts one card when the poll and the webhook see the same failure at the same time", async () => {
    await setUp();
    const deployment = await crashedWithoutPolling("staleCache", "web", "production");
    await Promise.all([h.watcher.pollOnce(), deliver(currentPayload(deployment, "Deployment.crashed"))]);
    await h.watcher.idle();
    expect(h.messenger.cardsFor(deployment.id)).toHaveLength(1);
  });

  it("accepts the older DEPLOY format with a status", async () => {
    await setUp();
    const deployment = await crashedWithoutPolling("plainFailure", "worker", "staging");
    const { status } = await deliver(legacyPayload(deployment));
    expect(status).toBe(202);
    const cards = h.messenger.cardsFor(deployment.id);
    expect(cards).toHaveLength(1);
    expect(cards[0]!.reply.title).toBe("worker (staging) crashed");
  });

  it("believes the API, not the body: a 'failed' hint for a healthy deployment posts nothing", async () => {
    await setUp();
    const deployment = h.sim.scenario.push("web", "staging", { message: "Tidy templates" });
    h.sim.advance(3 * 60_000);
    expect(deployment.status).toBe("SUCCESS");
    const { status } = await deliver(currentPayload(deployment, "Deployment.failed"));
    expect(status).toBe(202);
    expect(deploymentFetches()).toBe(1);
    expect(h.messenger.posts).toHaveLength(0);
  });

  it("answers a replayed delivery with 202 and changes nothing", async () => {
    await setUp();
    const deployment = await crashedWithoutPolling("staleCache", "web", "production");
    const payload = currentPayload(deployment, "Deployment.crashed");
    await deliver(payload);
    const requests = h.sim.requests.length;
    const replay = await deliver(payload);
    expect(replay).toEqual({ status: 202, json: { accepted: false, outcome: "duplicate" } });
    expect(h.sim.requests.length).toBe(requests);
    expect(h.messenger.posts).toHaveLength(1);
    expect(h.messenger.updates).toHaveLength(0);
  });

  it("ignores a status older than the one already seen (out-of-order delivery)", async () => {
    await setUp();
    const deployment = await crashedWithoutPolling("staleCache", "web", "production");
    await deliver(currentPayload(deployment, "Deployment.crashed"));
    const requests = h.sim.requests.length;
    const late = await deliver(currentPayload(deployment, "Deployment.building"));
    expect(late.json.outcome).toBe("stale");
    expect(h.sim.requests.length).toBe(requests);
    expect(h.messenger.posts).toHaveLength(1);
    expect(h.messenger.updates).toHaveLength(0);
  });

  it("answers 404 to a wrong or missing secret, changes nothing and logs no secret", async () => {
    await setUp();
    const deployment = await crashedWithoutPolling("staleCache", "web", "production");
    const guess = "guessed-secret-0000000000000000";
    expect((await deliver(currentPayload(deployment, "Deployment.crashed"), { secret: guess })).status).toBe(404);
    expect((await deliver(currentPayload(deployment, "Deployment.crashed"), { secret: "" })).status).toBe(404);
    expect((await deliver(currentPayload(deployment, "Deployment.crashed"), { secret: `${SECRET}x` })).status).toBe(404);
    expect(deploymentFetches()).toBe(0);
    expect(h.messenger.posts).toHaveLength(0);
    // The real delivery afterwards still works: the rejected ones consumed nothing.
    expect((await deliver(currentPayload(deployment, "Deployment.crashed"))).json.outcome).toBe("accepted");
    expect(logText).toContain("webhook.rejected");
    expect(logText).not.toContain(guess);
    expect(logText).not.toContain(SECRET);
  });

  it("rejects invalid JSON and bodies that are not Railway payloads with 400 and a clear message", async () => {
    await setUp();
    const badJson = await deliver(undefined, { raw: '{"type": "Deployment.failed",' });
    expect(badJson).toEqual({ status: 400, json: { error: "Body is not valid JSON" } });
    const noDeployment = await deliver({ type: "Deployment.failed", resource: { project: { id: "p1" } } });
    expect(noDeployment.status).toBe(400);
    expect(noDeployment.json.error).toBe("Not a Railway webhook payload: resource.deployment.id is missing");
    const wrongShape = await deliver({ type: "DEPLOY", project: { id: "p1" }, deployment: { id: 42 } });
    expect(wrongShape.status).toBe(400);
    expect(String(wrongShape.json.error)).toMatch(/^Not a Railway webhook payload: deployment\.id: /);
    expect(h.sim.requests).toHaveLength(0);
  });

  it("rejects an oversized body with 413", async () => {
    await setUp({ maxBytes: 1024 });
    const deployment = await crashedWithoutPolling("staleCache", "web", "production");
    const payload = { ...currentPayload(deployment, "Deployment.crashed"), padding: "x".repeat(4096) };
    const { status } = await deliver(payload);
    expect(status).toBe(413);
    expect(deploymentFetches()).toBe(0);
    expect(h.messenger.posts).toHaveLength(0);
  });

  it("rejects an oversized chunked body with 413 without reading all of it", async () => {
    await setUp({ maxBytes: 1024 });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${base}/webhooks/railway/${SECRET}`, { method: "POST", headers: { "transfer-encoding": "chunked" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.write("x".repeat(2048));
      req.end();
    });
    expect(status).toBe(413);
  });

  it("acknowledges events for another project with 202 and a log line, and does nothing else", async () => {
    await setUp();
    const deployment = await crashedWithoutPolling("staleCache", "web", "production");
    const other = await deliver(currentPayload(deployment, "Deployment.crashed", "another-project"));
    expect(other).toEqual({ status: 202, json: { accepted: false, outcome: "other_project" } });
    expect(deploymentFetches()).toBe(0);
    expect(logText).toContain("webhook for another project ignored");
  });

  it("acknowledges alerts that are not about a deployment without acting, and refuses GET", async () => {
    await setUp();
    const alert = await deliver({
      type: "VolumeAlert.triggered",
      resource: { project: { id: "p1" } },
      severity: "WARNING",
      timestamp: "2026-11-25T09:00:00.000Z",
    });
    expect(alert).toEqual({ status: 202, json: { accepted: false, reason: "not a deployment event" } });
    expect(await deliver(undefined, { method: "GET" })).toEqual({ status: 405, json: { error: "Only POST is accepted" } });
  });

  it("posts the warning through the real Slack adapter with buttons whose values parse", async () => {
    slack = await startFakeSlack({ botToken: "xoxb-watcher-test", scopes: botScopes(), channels: ["C0ALERTS", "C0STAGING"] });
    const client = quietWebClient("xoxb-watcher-test", { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    await setUp();
    h.watcher = h.restart({ outbox: MessengerRegistry.of({ slack: new SlackMessenger(client) }) });
    const deployment = await crashedWithoutPolling("staleCache", "web", "production");
    await deliver(currentPayload(deployment, "Deployment.crashed"));

    expect(slack.messages).toHaveLength(1);
    const message = slack.messages[0]!;
    expect(message.channel).toBe("C0ALERTS");
    const buttons = (message.blocks as { type: string; elements?: { type: string; action_id?: string; value?: string; url?: string }[] }[])
      .flatMap((b) => (b.type === "actions" ? (b.elements ?? []) : []))
      .filter((e) => e.type === "button");
    const decoded = buttons.filter((b) => !b.url).map((b) => decodeAction(b.action_id!, b.value));
    expect(decoded).toEqual([
      { kind: "clear", value: "web@production" },
      { kind: "mute", value: `${deployment.serviceId}@${deployment.environmentId}` },
    ]);
    expect(parseActionValue(decoded[0]!.value)).toEqual({ service: "web", environment: "production" });
    expect(buttons.some((b) => b.url?.includes(deployment.id))).toBe(true);
  });
});

describe("parseWebhookPayload", () => {
  it("reads the status from the event name of the current format", () => {
    const parsed = parseWebhookPayload({ type: "Deployment.deployed", resource: { project: { id: "p" }, deployment: { id: "d" } } });
    expect(parsed).toEqual({ kind: "deployment", type: "Deployment.deployed", hint: { deploymentId: "d", status: "SUCCESS", projectId: "p" } });
  });

  it("keeps an unknown status as null: the watcher re-fetches anyway", () => {
    const parsed = parseWebhookPayload({ type: "DEPLOY", status: "SOMETHING_NEW", project: { id: "p" }, deployment: { id: "d" } });
    expect(parsed.kind === "deployment" && parsed.hint.status).toBeNull();
  });
});
