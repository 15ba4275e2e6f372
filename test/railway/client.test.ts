import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/log.js";
import { RailwayClient, type RailwayClientOptions } from "../../src/railway/client.js";
import {
  DEMO_ACCOUNT_TOKEN,
  DEMO_OUTSIDER_TOKEN,
  DEMO_PRODUCTION_ENVIRONMENT_ID,
  DEMO_PROJECT_ID,
  DEMO_PROJECT_TOKEN,
  DEMO_WEB_SERVICE_ID,
  startSimulator,
  type Simulator,
} from "../../src/railway/simulator/index.js";
import { RailwayError } from "../../src/core/ports/railway.js";

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function setup(options: Partial<RailwayClientOptions> = {}) {
  sim = await startSimulator();
  const client = new RailwayClient({
    endpoint: sim.url,
    token: DEMO_ACCOUNT_TOKEN,
    tokenKind: "account",
    clock: sim.clock,
    timeoutMs: 2_000,
    random: () => 0.5,
    ...options,
  });
  return { sim, client };
}

const target = { projectId: DEMO_PROJECT_ID, environmentId: DEMO_PRODUCTION_ENVIRONMENT_ID, serviceId: DEMO_WEB_SERVICE_ID };

async function failure(promise: Promise<unknown>): Promise<RailwayError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RailwayError) return error;
    throw error;
  }
  throw new Error("expected a RailwayError");
}

describe("RailwayClient against the simulator", () => {
  it("reads the whole project status in exactly one request", async () => {
    const { sim, client } = await setup();
    const status = await client.projectStatus(DEMO_PROJECT_ID);
    expect(sim.requests).toHaveLength(1);
    expect(sim.requests[0]?.operationName).toBe("ProjectStatus");
    expect(status.projectName).toBe("demo-shop");
    expect(status.environments.map((e) => e.name).sort()).toEqual(["production", "staging"]);
    expect(status.instances).toHaveLength(4);
    const web = status.instances.find((i) => i.serviceName === "web" && i.environmentName === "production");
    expect(web?.railwayConfigFile).toBe("railway.toml");
    expect(web?.latestDeployment?.status).toBe("SUCCESS");
    expect(web?.latestDeployment?.commitMessage).toMatch(/^Rename Order.user to Order.customer/);
    expect(web?.latestDeployment?.commitAuthor).toBe("Priya Raman");
    expect(web?.latestDeployment?.commitHash).toMatch(/^[0-9a-f]{40}$/);
  });

  it("reports the rate budget from Railway's headers", async () => {
    const { client } = await setup();
    expect(client.rateBudget().remaining).toBeNull();
    await client.tokenInfo();
    await client.tokenInfo();
    expect(client.rateBudget()).toMatchObject({ limit: 1000, remaining: 998 });
    expect(client.rateBudget().resetAt).toBeGreaterThan(0);
  });

  it("says who an account token is, and what a project token covers", async () => {
    const { sim, client } = await setup();
    expect(await client.tokenInfo()).toEqual({ kind: "account", who: "Demo User" });
    const projectClient = new RailwayClient({ endpoint: sim.url, token: DEMO_PROJECT_TOKEN, tokenKind: "project", clock: sim.clock });
    expect(await projectClient.tokenInfo()).toEqual({ kind: "project", who: null, projectId: DEMO_PROJECT_ID, environmentId: DEMO_PRODUCTION_ENVIRONMENT_ID });
    expect(sim.requests.map((r) => r.tokenKind)).toEqual(["account", "project"]);
  });

  it("sets NO_CACHE, rebuilds the same commit uncached, and removes NO_CACHE", async () => {
    const { sim, client } = await setup();
    const before = (await client.projectStatus(DEMO_PROJECT_ID)).instances.find((i) => i.serviceName === "web" && i.environmentName === "production")!;
    await client.upsertVariable(target, "NO_CACHE", "1", { skipDeploys: true });
    expect(await client.variableNames(target)).toContain("NO_CACHE");
    expect(await client.variableValue(target, "NO_CACHE")).toBe("1");
    const id = await client.deployFromSource({
      serviceId: target.serviceId,
      environmentId: target.environmentId,
      commitSha: before.latestDeployment!.commitHash!,
    });
    sim.advance(10 * 60_000);
    const deployment = await client.deployment(id);
    expect(deployment.status).toBe("SUCCESS");
    expect(deployment.commitHash).toBe(before.latestDeployment?.commitHash);
    expect((await client.buildLogs(id, 100)).map((l) => l.message)).toContain("cache disabled (NO_CACHE)");
    await client.deleteVariable(target, "NO_CACHE");
    expect(await client.variableValue(target, "NO_CACHE")).toBeNull();
  });

  it("turns errors[] in an HTTP 200 into an unauthorized RailwayError naming the project", async () => {
    const { sim } = await setup();
    const outsider = new RailwayClient({ endpoint: sim.url, token: DEMO_OUTSIDER_TOKEN, tokenKind: "account", clock: sim.clock });
    const error = await failure(outsider.projectStatus(DEMO_PROJECT_ID));
    expect(error.kind).toBe("unauthorized");
    expect(error.userMessage).toBe(`Railway refused: Not Authorized. The token may not cover project ${DEMO_PROJECT_ID}.`);
    expect(sim.requests).toHaveLength(1);
  });

  it("maps a missing deployment to not_found", async () => {
    const { client } = await setup();
    const error = await failure(client.deployment("00000000-0000-0000-0000-000000000000"));
    expect(error.kind).toBe("not_found");
    expect(error.userMessage).toMatch(/Deployment not found/);
  });

  it("fails a plain GraphQL error as refused, without retrying", async () => {
    const { sim, client } = await setup();
    sim.faults.add({ kind: "graphqlError", operationName: "Deployment", message: "Deployment is locked", code: null });
    const error = await failure(client.projectStatus(DEMO_PROJECT_ID).then(() => client.deployment("whatever")));
    expect(error.kind).toBe("refused");
    expect(error.userMessage).toBe("Railway refused: Deployment is locked.");
    expect(sim.requests.filter((r) => r.operationName === "Deployment")).toHaveLength(1);
  });

  it("retries Railway's own INTERNAL_SERVER_ERROR behind an HTTP 200 on a query", async () => {
    const { sim, client } = await setup();
    sim.faults.add({ kind: "graphqlError", operationName: "ProjectStatus", message: "Problem processing request", times: 2 });
    await expect(client.projectStatus(DEMO_PROJECT_ID)).resolves.toMatchObject({ projectId: DEMO_PROJECT_ID });
    expect(sim.requests).toHaveLength(3);
  });

  it("retries only with backoff on the injected clock, five attempts in all, then reports", async () => {
    const { sim, client } = await setup();
    sim.faults.add({ kind: "http500", operationName: "ProjectStatus", times: Infinity });
    const start = sim.world.now;
    const error = await failure(client.projectStatus(DEMO_PROJECT_ID));
    expect(error.kind).toBe("unavailable");
    expect(sim.requests).toHaveLength(5);
    // 0.5 + 1 + 2 + 4 s at the fixed jitter of the test client (random 0.5: three quarters of each step).
    expect(sim.world.now - start).toBe(375 + 750 + 1500 + 3000);
  });

  it("waits out Retry-After on a 429 and then succeeds", async () => {
    const { sim, client } = await setup();
    sim.faults.add({ kind: "http429", operationName: "Me", retryAfterSeconds: 7 });
    await expect(client.tokenInfo()).resolves.toMatchObject({ kind: "account" });
    expect(sim.requests).toHaveLength(2);
    expect(sim.requests[1]!.at - sim.requests[0]!.at).toBeGreaterThanOrEqual(7_000);
  });

  it("reports a 429 whose Retry-After is too long instead of waiting, with the delay in the message", async () => {
    const { sim, client } = await setup({ maxRetryWaitMs: 30_000 });
    sim.faults.add({ kind: "http429", retryAfterSeconds: 120 });
    const error = await failure(client.tokenInfo());
    expect(error.kind).toBe("rate_limited");
    expect(error.retryAfterMs).toBe(120_000);
    expect(error.userMessage).toBe("Railway's rate limit is used up; retry in 120 s.");
    expect(sim.requests).toHaveLength(1);
  });

  it("retries a query through 500 and 502 with backoff", async () => {
    const { sim, client } = await setup();
    sim.faults.add({ kind: "http500", operationName: "ProjectStatus" });
    sim.faults.add({ kind: "http502", operationName: "ProjectStatus" });
    const status = await client.projectStatus(DEMO_PROJECT_ID);
    expect(status.instances).toHaveLength(4);
    expect(sim.requests.map((r) => r.fault)).toEqual(["http500", "http502", null]);
  });

  it("gives up on a query after its retries with an unavailable error", async () => {
    const { sim, client } = await setup({ retries: 2 });
    sim.faults.add({ kind: "http502", times: Infinity });
    const error = await failure(client.deployment("x"));
    expect(error.kind).toBe("unavailable");
    expect(error.userMessage).toMatch(/HTTP 502/);
    expect(sim.requests).toHaveLength(3);
  });

  it("never retries a rebuild after a 500, and says its outcome is unknown", async () => {
    const { sim, client } = await setup();
    sim.faults.add({ kind: "http500", operationName: "ServiceInstanceDeployV2" });
    const error = await failure(client.deployFromSource({ serviceId: DEMO_WEB_SERVICE_ID, environmentId: DEMO_PRODUCTION_ENVIRONMENT_ID, commitSha: "abc" }));
    expect(error.kind).toBe("unavailable");
    expect(error.outcomeUnknown).toBe(true);
    expect(error.userMessage).toMatch(/may or may not have been made/);
    expect(sim.requests).toHaveLength(1);
  });

  it("retries a repeatable mutation (setting a variable without a deploy) after a 500", async () => {
    const { sim, client } = await setup();
    sim.faults.add({ kind: "http500", operationName: "VariableUpsert" });
    await client.upsertVariable(target, "NO_CACHE", "1", { skipDeploys: true });
    expect(sim.requests).toHaveLength(2);
    expect(sim.world.vars(DEMO_WEB_SERVICE_ID, DEMO_PRODUCTION_ENVIRONMENT_ID).get("NO_CACHE")).toBe("1");
  });

  it("retries a mutation refused with 429, since Railway did not run it", async () => {
    const { sim, client } = await setup();
    sim.faults.add({ kind: "http429", operationName: "VariableUpsert", retryAfterSeconds: 1 });
    await client.upsertVariable(target, "NO_CACHE", "1", { skipDeploys: true });
    expect(sim.requests).toHaveLength(2);
    expect(sim.world.vars(DEMO_WEB_SERVICE_ID, DEMO_PRODUCTION_ENVIRONMENT_ID).get("NO_CACHE")).toBe("1");
  });

  it("times out a request that never gets an answer", async () => {
    const { sim, client } = await setup({ timeoutMs: 200, retries: 1 });
    sim.faults.add({ kind: "timeout", times: 2 });
    const error = await failure(client.deployment("x"));
    expect(error.kind).toBe("timeout");
    expect(error.userMessage).toBe(`Railway at ${sim.url} did not answer within 0.2 s.`);
    expect(sim.requests).toHaveLength(2);
  });

  it("does not retry a timed-out mutation", async () => {
    const { sim, client } = await setup({ timeoutMs: 150 });
    sim.faults.add({ kind: "timeout" });
    const error = await failure(client.redeploy("x", { usePreviousImageTag: false }));
    expect(error.kind).toBe("timeout");
    expect(error.outcomeUnknown).toBe(true);
    expect(sim.requests).toHaveLength(1);
  });

  it("treats malformed JSON as bad_response, retried on a query", async () => {
    const { sim, client } = await setup();
    sim.faults.add({ kind: "malformedJson" });
    await expect(client.projectStatus(DEMO_PROJECT_ID)).resolves.toMatchObject({ projectId: DEMO_PROJECT_ID });
    sim.faults.add({ kind: "malformedJson", times: Infinity });
    const error = await failure(client.projectStatus(DEMO_PROJECT_ID));
    expect(error.kind).toBe("bad_response");
    expect(error.userMessage).toBe("Railway sent a reply railcache could not read.");
  });

  it("keeps the token out of error messages, causes and logs", async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const { sim } = await setup();
    const secret = "secret-token-that-must-never-leak";
    const client = new RailwayClient({
      endpoint: sim.url,
      token: secret,
      tokenKind: "account",
      clock: sim.clock,
      log: createLogger({ level: "debug", destination }),
    });
    sim.faults.add({ kind: "http502" });
    const error = await failure(client.projectStatus(DEMO_PROJECT_ID));
    expect(error.kind).toBe("unauthorized");
    const everything = [error.message, error.userMessage, JSON.stringify(error.cause), String(error.stack), ...lines].join("\n");
    expect(lines.length).toBeGreaterThan(0);
    expect(everything).not.toContain(secret);
  });

  it("tells a project token configured as an account token what to change", async () => {
    const { sim } = await setup();
    const misconfigured = new RailwayClient({ endpoint: sim.url, token: DEMO_PROJECT_TOKEN, tokenKind: "account", clock: sim.clock });
    const error = await failure(misconfigured.tokenInfo());
    expect(error.kind).toBe("unauthorized");
    expect(error.userMessage).toBe("Railway refused: Not Authorized. The token is not a valid account token (if it is a project token, configure it as one).");
  });

  it("reads deploy logs, HTTP logs and recent deployments of a failing service", async () => {
    const { sim, client } = await setup();
    const failing = sim.scenario.staleCache("web", "production")!;
    sim.advance(10 * 60_000);
    sim.scenario.http5xxBurst("web", "production", { count: 3, status: 500 });
    const logs = await client.deploymentLogs(failing.id, 200);
    expect(logs.some((l) => l.message.startsWith("django.core.exceptions.FieldError") && l.severity === "error")).toBe(true);
    expect(await client.httpLogs(failing.id, 10)).toHaveLength(3);
    const recent = await client.recentDeployments(target, 2);
    expect(recent.map((d) => d.id)[0]).toBe(failing.id);
    expect(recent[0]?.status).toBe("CRASHED");
    expect(recent).toHaveLength(2);
  });

  it("redeploys with the previous image without a build", async () => {
    const { sim, client } = await setup();
    const latest = sim.world.latestDeployment(DEMO_WEB_SERVICE_ID, DEMO_PRODUCTION_ENVIRONMENT_ID)!;
    const id = await client.redeploy(latest.id, { usePreviousImageTag: true });
    sim.advance(10 * 60_000);
    expect((await client.deployment(id)).status).toBe("SUCCESS");
    expect(await client.buildLogs(id, 50)).toEqual([]);
  });
});

/** A port nothing listens on: bound once to learn a free number, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("RailwayClient when Railway cannot be reached", () => {
  const quick = { token: "rw-test-token-0123", tokenKind: "account" as const, random: () => 0 };

  it("names a refused connection and the URL it tried", async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}/graphql/v2`;
    const client = new RailwayClient({ ...quick, endpoint, retries: 0 });
    const error = await failure(client.projectStatus("p"));
    expect(error.kind).toBe("unavailable");
    expect(error.userMessage).toBe(`Cannot reach Railway at ${endpoint}: connection refused (nothing is listening there), ECONNREFUSED.`);
  });

  it("names a host name that does not resolve", async () => {
    // .invalid never resolves (RFC 6761), with or without a network.
    const client = new RailwayClient({ ...quick, endpoint: "http://railway.railcache-test.invalid/graphql/v2", retries: 0 });
    const error = await failure(client.projectStatus("p"));
    expect(error.userMessage).toMatch(
      /^Cannot reach Railway at http:\/\/railway\.railcache-test\.invalid\/graphql\/v2: the host name does not resolve \(DNS\), (ENOTFOUND|EAI_AGAIN)\.$/,
    );
  });

  it("keeps a whole call, retries included, within its deadline against a server that never answers", async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/graphql/v2`;
    const progress: string[] = [];
    try {
      // Per attempt 10 s and 4 retries would be 40 s and more; the deadline makes it 0.5 s.
      const client = new RailwayClient({ ...quick, endpoint, timeoutMs: 10_000, deadlineMs: 500, onProgress: (m) => progress.push(m) });
      const started = Date.now();
      const error = await failure(client.projectStatus("p"));
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(error.kind).toBe("timeout");
      expect(error.userMessage).toBe(`Railway at ${endpoint} did not answer within 0.5 s.`);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it("tells its progress in words while it retries", async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}/graphql/v2`;
    const progress: string[] = [];
    const client = new RailwayClient({ ...quick, endpoint, retries: 1, onProgress: (m) => progress.push(m) });
    await failure(client.projectStatus("p"));
    expect(progress).toEqual([`Railway at ${endpoint}: connection refused (nothing is listening there), ECONNREFUSED; trying again in 0.3 s (attempt 2 of 2)`]);
  });
});
