/**
 * `railcache doctor` against Railway (the simulator): the same migration checks as
 * `/railcache setup`, the services still reading a config file, and the rate budget from
 * `apiTokenRateLimit`, which the watcher's pacing also uses before any response headers arrive.
 */
import { afterEach, describe, expect, it } from "vitest";
import { runDoctorChecks } from "../../../src/adapters/cli/doctor.js";
import { nextPollDelay } from "../../../src/core/watcher/index.js";
import { silentLogger } from "../../../src/log.js";
import { RailwayClient } from "../../../src/railway/client.js";
import {
  DEMO_ACCOUNT_TOKEN,
  DEMO_PROJECT_ID,
  DEMO_PROJECT_TOKEN,
  demoWorld,
  startSimulator,
  type Simulator,
  type SimulatorOptions,
} from "../../fakes/railway.js";
import { startTestRuntime, type TestRuntime } from "../../support/runtime.js";

let sim: Simulator | undefined;
let t: TestRuntime | undefined;
afterEach(async () => {
  await sim?.close();
  await t?.close();
  sim = t = undefined;
});

async function doctor(options: SimulatorOptions = {}) {
  const world = demoWorld();
  const api = world.addService(DEMO_PROJECT_ID, "api", {
    instance: { startCommand: "gunicorn shop.wsgi", preDeployCommand: ["python manage.py migrate", "python manage.py collectstatic"] },
  });
  for (const env of world.environments.values()) world.vars(api.id, env.id).set("DJANGO_SETTINGS_MODULE", "shop.settings");
  sim = await startSimulator({ world, ...options });
  const env = { RAILWAY_API_TOKEN: DEMO_ACCOUNT_TOKEN, RAILWAY_PROJECT_ID: DEMO_PROJECT_ID, RAILWAY_API_URL: sim.url, RAILCACHE_DB: ":memory:" };
  return runDoctorChecks(env, { demo: false, log: silentLogger() });
}

describe("railcache doctor on a Railway project", () => {
  it("reports the migration checks per service and environment, and who still reads a config file", async () => {
    const checks = await doctor();
    const api = checks.filter((c) => c.check === "migrations api/production");
    expect(api.map((c) => c.level)).toEqual(["warn"]);
    expect(api[0]!.message).toContain("has 2 elements");
    expect(checks.find((c) => c.check === "config as code")).toMatchObject({
      level: "warn",
      message: expect.stringContaining("web/production (railway.toml)"),
    });
  });

  it("shows the rate budget from apiTokenRateLimit, even when Railway sends no rate headers", async () => {
    const checks = await doctor({ rateLimitHeaders: false, rateLimitPerHour: 300 });
    expect(checks.find((c) => c.check === "rate budget")?.message).toMatch(/^29\d points left, resets \d\d:\d\d UTC \(apiTokenRateLimit\)$/);
  });

  it("says the budget is unknown when neither the query nor headers tell", async () => {
    const checks = await doctor({ rateLimitHeaders: false, settings: { rateLimitQueryable: false } });
    expect(checks.find((c) => c.check === "rate budget")).toMatchObject({ level: "warn", message: expect.stringContaining("unknown") });
  });
});

describe("the rate budget at start", () => {
  it("is read with a project token too (through the project's workspace)", async () => {
    sim = await startSimulator({ rateLimitHeaders: false });
    const client = new RailwayClient({ endpoint: sim.url, token: DEMO_PROJECT_TOKEN, tokenKind: "project" });
    expect(client.rateBudget().remaining).toBeNull();
    expect(await client.readRateLimit(DEMO_PROJECT_ID)).toMatchObject({ remaining: 999 });
    expect(client.rateBudget()).toMatchObject({ remaining: 999 });
    expect(sim.requests.map((r) => r.operationName)).toEqual(["ProjectRateLimit"]);
  });

  it("paces the watcher before any response headers: a bot started with a low budget polls slower than its base interval", async () => {
    t = await startTestRuntime({
      sim: { rateLimitHeaders: false, rateLimitPerHour: 40 },
      watch: { routing: { default: { platform: "console", channelId: "warnings" } } },
    });
    const budget = t.runtime.railway!.api.rateBudget();
    expect(budget.remaining).toBeGreaterThan(30);
    expect(budget.resetAt).not.toBeNull();
    expect(nextPollDelay(budget, 30_000, t.sim.clock.now())).toBeGreaterThan(120_000);
    // Without the read, the same bot would poll at the base interval.
    expect(nextPollDelay({ limit: null, remaining: null, resetAt: null }, 30_000, t.sim.clock.now())).toBe(30_000);
  });
});
