import { afterEach, describe, expect, it } from "vitest";
import {
  DEMO_ACCOUNT_TOKEN,
  DEMO_OUTSIDER_TOKEN,
  DEMO_PRODUCTION_ENVIRONMENT_ID,
  DEMO_PROJECT_ID,
  DEMO_PROJECT_TOKEN,
  DEMO_STAGING_ENVIRONMENT_ID,
  DEMO_WEB_SERVICE_ID,
  startSimulator,
  type Simulator,
} from "../../src/railway/simulator/index.js";

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

interface GraphQLResponse {
  status: number;
  headers: Headers;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
}

async function post(
  s: Simulator,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = { authorization: `Bearer ${DEMO_ACCOUNT_TOKEN}` },
): Promise<GraphQLResponse> {
  const response = await fetch(s.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponse["body"] };
}

const statusOf = `query DeploymentStatus($id: String!) { deployment(id: $id) { id status } }`;
const upsert = `mutation Upsert($input: VariableUpsertInput!) { variableUpsert(input: $input) }`;
const deployV2 = `mutation Deploy($serviceId: String!, $environmentId: String!, $commitSha: String) {
  serviceInstanceDeployV2(serviceId: $serviceId, environmentId: $environmentId, commitSha: $commitSha) }`;

describe("Railway simulator", () => {
  it("rejects a query with a field Railway's schema does not have, with the validation error", async () => {
    sim = await startSimulator();
    const res = await post(sim, `query Me { me { name nickname } }`);
    expect(res.status).toBe(200);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors?.[0]?.message).toMatch(/^Cannot query field "nickname" on type "User"\./);
    expect(res.body.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });

  it("refuses a GET with 405 and the method it takes, and a body over 1 MB with 413", async () => {
    sim = await startSimulator();
    const get = await fetch(sim.url);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    const huge = await fetch(sim.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "x".repeat(1_100_000) }),
    });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { errors: { message: string }[] }).errors[0]?.message).toBe("Body larger than 1000000 bytes");
  });

  it("rejects a wrong argument type as the schema would", async () => {
    sim = await startSimulator();
    const res = await post(sim, `query D { deployment(id: 42) { id } }`);
    expect(res.body.errors?.[0]?.message).toMatch(/String cannot represent a non string value: 42/);
  });

  it("answers Not Authorized to an unknown token and to a token in the wrong header", async () => {
    sim = await startSimulator();
    const unknown = await post(sim, `query Me { me { name } }`, {}, { authorization: "Bearer not-a-real-token" });
    expect(unknown.body.errors?.map((e) => e.message)).toEqual(["Not Authorized"]);
    const wrongHeader = await post(sim, `query Me { me { name } }`, {}, { authorization: `Bearer ${DEMO_PROJECT_TOKEN}` });
    expect(wrongHeader.body.errors?.map((e) => e.message)).toEqual(["Not Authorized"]);
    expect(sim.requests.map((r) => r.tokenKind)).toEqual(["invalid", "invalid"]);
  });

  it("lets a project token see only its project and environment", async () => {
    sim = await startSimulator();
    const headers = { "project-access-token": DEMO_PROJECT_TOKEN };
    const project = await post(
      sim,
      `query P($id: String!) { project(id: $id) { name environments { edges { node { name } } } } }`,
      { id: DEMO_PROJECT_ID },
      headers,
    );
    expect(project.body.data).toEqual({ project: { name: "demo-shop", environments: { edges: [{ node: { name: "production" } }] } } });
    const staging = await post(sim, `query E($id: String!) { environment(id: $id) { name } }`, { id: DEMO_STAGING_ENVIRONMENT_ID }, headers);
    expect(staging.body.errors?.[0]?.message).toBe("Not Authorized");
    const me = await post(sim, `query Me { me { name } }`, {}, headers);
    expect(me.body.errors?.[0]?.message).toBe("Not Authorized");
  });

  it("hides projects an account token does not cover", async () => {
    sim = await startSimulator();
    const res = await post(
      sim,
      `query P($id: String!) { project(id: $id) { name } }`,
      { id: DEMO_PROJECT_ID },
      { authorization: `Bearer ${DEMO_OUTSIDER_TOKEN}` },
    );
    expect(res.body.data).toBeNull();
    expect(res.body.errors?.[0]?.message).toBe("Not Authorized");
  });

  it("moves a deployment QUEUED -> INITIALIZING -> BUILDING -> DEPLOYING -> SUCCESS as the clock advances", async () => {
    sim = await startSimulator();
    const started = await post(sim, deployV2, { serviceId: DEMO_WEB_SERVICE_ID, environmentId: DEMO_STAGING_ENVIRONMENT_ID });
    const id = started.body.data?.serviceInstanceDeployV2 as string;
    const seen: string[] = [];
    for (let i = 0; i < 8; i += 1) {
      const res = await post(sim, statusOf, { id });
      const status = (res.body.data?.deployment as { status: string }).status;
      if (seen[seen.length - 1] !== status) seen.push(status);
      sim.tick();
    }
    expect(seen).toEqual(["QUEUED", "INITIALIZING", "BUILDING", "DEPLOYING", "SUCCESS"]);
  });

  it("records a build with NO_CACHE=1 as uncached and says so in the build log", async () => {
    sim = await startSimulator();
    const input = {
      projectId: DEMO_PROJECT_ID,
      environmentId: DEMO_PRODUCTION_ENVIRONMENT_ID,
      serviceId: DEMO_WEB_SERVICE_ID,
      name: "NO_CACHE",
      value: "1",
      skipDeploys: true,
    };
    const before = sim.world.deployments.size;
    await post(sim, upsert, { input });
    expect(sim.world.deployments.size).toBe(before);
    const res = await post(sim, deployV2, { serviceId: DEMO_WEB_SERVICE_ID, environmentId: DEMO_PRODUCTION_ENVIRONMENT_ID });
    const id = res.body.data?.serviceInstanceDeployV2 as string;
    sim.advance(10 * 60_000);
    expect(sim.world.deployments.get(id)?.usedCache).toBe(false);
    const logs = await post(sim, `query B($id: String!) { buildLogs(deploymentId: $id, limit: 100) { message } }`, { id });
    const lines = (logs.body.data?.buildLogs as { message: string }[]).map((l) => l.message);
    expect(lines).toContain("cache disabled (NO_CACHE)");
    expect(lines).not.toContain("using cached layers");
  });

  it("starts a deploy on a variable upsert without skipDeploys", async () => {
    sim = await startSimulator();
    const before = sim.world.deployments.size;
    const input = { projectId: DEMO_PROJECT_ID, environmentId: DEMO_PRODUCTION_ENVIRONMENT_ID, serviceId: DEMO_WEB_SERVICE_ID, name: "FEATURE_X", value: "on" };
    await post(sim, upsert, { input });
    expect(sim.world.deployments.size).toBe(before + 1);
  });

  it("keeps failing a stale-cache service on cached builds and fixes it with one uncached build", async () => {
    sim = await startSimulator();
    const failing = sim.scenario.staleCache("web", "production");
    sim.advance(10 * 60_000);
    expect(failing?.status).toBe("CRASHED");
    const logs = await post(sim, `query L($id: String!) { deploymentLogs(deploymentId: $id, limit: 50) { message severity } }`, { id: failing?.id });
    const messages = (logs.body.data?.deploymentLogs as { message: string }[]).map((l) => l.message).join("\n");
    expect(messages).toContain("django.core.exceptions.FieldError: Invalid field name(s) given in select_related: 'customer'");

    const cachedRetry = await post(sim, deployV2, { serviceId: DEMO_WEB_SERVICE_ID, environmentId: DEMO_PRODUCTION_ENVIRONMENT_ID });
    sim.advance(10 * 60_000);
    expect(sim.world.deployments.get(cachedRetry.body.data?.serviceInstanceDeployV2 as string)?.status).toBe("CRASHED");

    sim.world.vars(DEMO_WEB_SERVICE_ID, DEMO_PRODUCTION_ENVIRONMENT_ID).set("NO_CACHE", "1");
    const clean = await post(sim, deployV2, { serviceId: DEMO_WEB_SERVICE_ID, environmentId: DEMO_PRODUCTION_ENVIRONMENT_ID });
    sim.advance(10 * 60_000);
    expect(sim.world.deployments.get(clean.body.data?.serviceInstanceDeployV2 as string)?.status).toBe("SUCCESS");

    sim.world.vars(DEMO_WEB_SERVICE_ID, DEMO_PRODUCTION_ENVIRONMENT_ID).delete("NO_CACHE");
    const later = await post(sim, deployV2, { serviceId: DEMO_WEB_SERVICE_ID, environmentId: DEMO_PRODUCTION_ENVIRONMENT_ID });
    sim.advance(10 * 60_000);
    expect(sim.world.deployments.get(later.body.data?.serviceInstanceDeployV2 as string)?.status).toBe("SUCCESS");
  });

  it("redeploys with usePreviousImageTag without building: straight to DEPLOYING, no build logs", async () => {
    sim = await startSimulator();
    const latest = sim.world.latestDeployment(DEMO_WEB_SERVICE_ID, DEMO_PRODUCTION_ENVIRONMENT_ID)!;
    const res = await post(sim, `mutation R($id: String!) { deploymentRedeploy(id: $id, usePreviousImageTag: true) { id status } }`, { id: latest.id });
    const id = (res.body.data?.deploymentRedeploy as { id: string }).id;
    const statuses: string[] = [];
    while (sim.tick()) statuses.push(sim.world.deployments.get(id)!.status);
    expect(statuses).not.toContain("BUILDING");
    expect(statuses).toContain("DEPLOYING");
    expect(sim.world.deployments.get(id)?.buildLogs).toEqual([]);
  });

  it("serves injected faults once per operation name and counts every request", async () => {
    sim = await startSimulator();
    sim.faults.add({ kind: "http429", operationName: "Me", retryAfterSeconds: 7 });
    const limited = await fetch(sim.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${DEMO_ACCOUNT_TOKEN}` },
      body: JSON.stringify({ query: "query Me { me { name } }", operationName: "Me" }),
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("7");
    expect(limited.headers.get("x-ratelimit-limit")).toBe("1000");
    const ok = await post(sim, "query Me { me { name } }");
    expect(ok.body.data).toEqual({ me: { name: "Demo User" } });
    expect(sim.requests).toHaveLength(2);
    expect(sim.requests[0]?.fault).toBe("http429");
  });

  it("answers 429 once a token's hourly budget is spent, and resets with the hour", async () => {
    sim = await startSimulator({ rateLimitPerHour: 2 });
    await post(sim, "query Me { me { name } }");
    const last = await post(sim, "query Me { me { name } }");
    expect(last.headers.get("x-ratelimit-remaining")).toBe("0");
    expect((await post(sim, "query Me { me { name } }")).status).toBe(429);
    sim.advance(60 * 60_000);
    expect((await post(sim, "query Me { me { name } }")).status).toBe(200);
  });

  it.each([
    { variableChangesDeploy: true, deploys: 1 },
    { variableChangesDeploy: false, deploys: 0 },
  ])(
    "deletes a variable and starts $deploys deployment(s) when variableChangesDeploy is $variableChangesDeploy",
    async ({ variableChangesDeploy, deploys }) => {
      sim = await startSimulator({ settings: { variableChangesDeploy } });
      sim.world.vars(DEMO_WEB_SERVICE_ID, DEMO_PRODUCTION_ENVIRONMENT_ID).set("NO_CACHE", "1");
      const before = sim.world.deployments.size;
      const input = { projectId: DEMO_PROJECT_ID, environmentId: DEMO_PRODUCTION_ENVIRONMENT_ID, serviceId: DEMO_WEB_SERVICE_ID, name: "NO_CACHE" };
      const res = await post(sim, `mutation Delete($input: VariableDeleteInput!) { variableDelete(input: $input) }`, { input });
      expect(res.body.data).toEqual({ variableDelete: true });
      expect(sim.world.vars(DEMO_WEB_SERVICE_ID, DEMO_PRODUCTION_ENVIRONMENT_ID).has("NO_CACHE")).toBe(false);
      expect(sim.world.deployments.size).toBe(before + deploys);
    },
  );

  it.each([true, false])(
    "replaces a service's variables with skipDeploys (honoured: %s) and deploys only when it is not honoured",
    async (skipDeploysHonoured) => {
      {
        sim = await startSimulator({ settings: { skipDeploysHonoured } });
        const vars = sim.world.vars(DEMO_WEB_SERVICE_ID, DEMO_PRODUCTION_ENVIRONMENT_ID);
        vars.set("NO_CACHE", "1");
        const before = sim.world.deployments.size;
        const input = {
          projectId: DEMO_PROJECT_ID,
          environmentId: DEMO_PRODUCTION_ENVIRONMENT_ID,
          serviceId: DEMO_WEB_SERVICE_ID,
          replace: true,
          skipDeploys: true,
          variables: { A: "1" },
        };
        const res = await post(sim, `mutation R($input: VariableCollectionUpsertInput!) { variableCollectionUpsert(input: $input) }`, { input });
        expect(res.body.data).toEqual({ variableCollectionUpsert: true });
        expect([...vars.keys()]).toEqual(["A"]);
        expect(sim.world.deployments.size).toBe(before + (skipDeploysHonoured ? 0 : 1));
      }
    },
  );

  it("never returns a sealed variable's value, but lists it as sealed", async () => {
    sim = await startSimulator();
    sim.world.vars(DEMO_WEB_SERVICE_ID, DEMO_PRODUCTION_ENVIRONMENT_ID).set("SECRET", "s3cr3t");
    sim.world.seal(DEMO_WEB_SERVICE_ID, DEMO_PRODUCTION_ENVIRONMENT_ID, "SECRET");
    const values = await post(sim, `query V($p: String!, $e: String!, $s: String) { variables(projectId: $p, environmentId: $e, serviceId: $s) }`, {
      p: DEMO_PROJECT_ID,
      e: DEMO_PRODUCTION_ENVIRONMENT_ID,
      s: DEMO_WEB_SERVICE_ID,
    });
    expect(JSON.stringify(values.body)).not.toContain("s3cr3t");
    const meta = await post(sim, `query M($e: String!) { environment(id: $e) { variables { edges { node { name serviceId isSealed } } } } }`, {
      e: DEMO_PRODUCTION_ENVIRONMENT_ID,
    });
    expect(JSON.stringify(meta.body)).toContain('"name":"SECRET","serviceId":"' + DEMO_WEB_SERVICE_ID + '","isSealed":true');
  });

  it("keeps failing a plain code error even with an uncached build", async () => {
    sim = await startSimulator();
    sim.scenario.plainFailure("worker", "staging");
    sim.world.vars(sim.world.serviceByName("worker").id, DEMO_STAGING_ENVIRONMENT_ID).set("NO_CACHE", "1");
    const again = sim.world.deploy(sim.world.serviceByName("worker").id, DEMO_STAGING_ENVIRONMENT_ID);
    sim.advance(10 * 60_000);
    expect(again.status).toBe("CRASHED");
    expect(again.deployLogs.map((l) => l.message)).toContain("SyntaxError: closing parenthesis ')' does not match opening parenthesis '{'");
    const fixed = sim.scenario.push("worker", "staging", { message: "Fix syntax error in views" });
    sim.advance(10 * 60_000);
    expect(fixed.status).toBe("SUCCESS");
  });

  it("cancels an in-progress deployment and refuses to cancel a finished one", async () => {
    sim = await startSimulator();
    const started = await post(sim, deployV2, { serviceId: DEMO_WEB_SERVICE_ID, environmentId: DEMO_STAGING_ENVIRONMENT_ID });
    const id = started.body.data?.serviceInstanceDeployV2 as string;
    const cancel = `mutation Cancel($id: String!) { deploymentCancel(id: $id) }`;
    expect((await post(sim, cancel, { id })).body.data).toEqual({ deploymentCancel: true });
    expect(sim.world.deployments.get(id)?.status).toBe("REMOVED");
    expect((await post(sim, cancel, { id })).body.errors?.[0]?.message).toBe("Deployment is not in progress");
  });

  it("holds deployments that need approval until deploymentApprove", async () => {
    sim = await startSimulator();
    sim.world.instanceByName("web", "staging").requiresApproval = true;
    const started = await post(sim, deployV2, { serviceId: DEMO_WEB_SERVICE_ID, environmentId: DEMO_STAGING_ENVIRONMENT_ID });
    const id = started.body.data?.serviceInstanceDeployV2 as string;
    sim.advance(10 * 60_000);
    expect(sim.world.deployments.get(id)?.status).toBe("NEEDS_APPROVAL");
    await post(sim, `mutation Approve($id: String!) { deploymentApprove(id: $id) }`, { id });
    sim.advance(10 * 60_000);
    expect(sim.world.deployments.get(id)?.status).toBe("SUCCESS");
  });

  it("puts a 5xx burst into the latest deployment's HTTP logs", async () => {
    sim = await startSimulator();
    sim.scenario.http5xxBurst("web", "production", { count: 5, status: 502, path: "/checkout/" });
    const latest = sim.world.latestDeployment(DEMO_WEB_SERVICE_ID, DEMO_PRODUCTION_ENVIRONMENT_ID)!;
    const res = await post(sim, `query H($id: String!) { httpLogs(deploymentId: $id, limit: 10) { httpStatus path } }`, { id: latest.id });
    expect(res.body.data?.httpLogs).toEqual(Array.from({ length: 5 }, () => ({ httpStatus: 502, path: "/checkout/" })));
  });

  it("rejects a deploy of a commit the repository does not have", async () => {
    sim = await startSimulator();
    const res = await post(sim, deployV2, { serviceId: DEMO_WEB_SERVICE_ID, environmentId: DEMO_STAGING_ENVIRONMENT_ID, commitSha: "deadbeef" });
    expect(res.body.errors?.[0]?.message).toMatch(/couldn't find remote ref "deadbeef"/);
  });

  it("advances with real time when autoAdvance is on", async () => {
    sim = await startSimulator({ autoAdvance: true });
    const before = sim.clock.now();
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(sim.clock.now() - before).toBeGreaterThanOrEqual(250);
  });

  it("closes while a timeout fault is holding a request open", async () => {
    sim = await startSimulator();
    sim.faults.add({ kind: "timeout" });
    const pending = fetch(sim.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "query Me { me { name } }" }),
    }).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await sim.close();
    sim = undefined;
    expect(await pending).toBeInstanceOf(Error);
  });
});
