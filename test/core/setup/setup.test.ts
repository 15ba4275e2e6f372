/**
 * `/railcache setup`: the team's real setup from Railway's API (the simulator, validated against
 * Railway's schema), through the real runtime. Secrets in variables must never reach a reply.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Writable } from "node:stream";
import { createLogger } from "../../../src/log.js";
import { startTestRuntime, type TestRuntime } from "../../support/runtime.js";
import { DEMO_DATABASE_PASSWORD, DEMO_PROJECT_ID, demoWorld, type SimulatorOptions, type World } from "../../fakes/railway.js";
import { configFileCard } from "../../../src/core/watcher/cards.js";
import { projectStatusReply } from "../../../src/core/status.js";
import { migrationChecks } from "../../../src/core/setup/index.js";
import type { Reply } from "../../../src/core/reply.js";
import type { RequestContext } from "../../../src/core/bot-core.js";

const ctx: RequestContext = {
  actor: { platform: "console", userId: "dana", displayName: "Dana", groups: [] },
  target: { platform: "console", channelId: "c" },
};
const SECRET_URL_PASSWORD = "s3cr3t-Pg-Pass-QX77";
const EXTERNAL_DB = `postgres://app_user:${SECRET_URL_PASSWORD}@db.acme-neon.example.com:6543/prod?sslmode=require`;
const text = (reply: Reply) => JSON.stringify(reply);

let t: TestRuntime | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** demo-shop plus an API service that runs gunicorn without migrate, a two-element pre-deploy, a database image and a plugin. */
function world(): World {
  const w = demoWorld();
  const project = DEMO_PROJECT_ID;
  w.projects.get(project)!.plugins.push({ id: "plg-1", name: "redis", friendlyName: "Legacy Redis" });
  const api = w.addService(project, "api", { instance: { startCommand: "gunicorn shop.wsgi --workers 3", builder: "RAILPACK" } });
  const admin = w.addService(project, "admin", {
    instance: {
      startCommand: "python manage.py migrate && gunicorn shop.wsgi",
      preDeployCommand: ["python manage.py migrate", "python manage.py collectstatic --noinput"],
    },
  });
  w.addService(project, "Postgres", { image: "ghcr.io/railwayapp-templates/postgres-ssl:16" });
  for (const env of w.environments.values()) {
    w.vars(api.id, env.id).set("DJANGO_SETTINGS_MODULE", "shop.settings");
    w.vars(api.id, env.id).set("DATABASE_URL", EXTERNAL_DB);
    w.vars(admin.id, env.id).set("DJANGO_SETTINGS_MODULE", "shop.settings");
  }
  return w;
}

async function start(sim: SimulatorOptions = {}, logs?: string[]) {
  const log = logs
    ? createLogger({ level: "debug", destination: new Writable({ write: (chunk, _e, done) => (logs.push(String(chunk)), done()) }) })
    : undefined;
  t = await startTestRuntime({ sim: { world: world(), ...sim }, ...(log ? { log } : {}) });
  return t;
}

describe("/railcache setup", () => {
  it("shows builder, commands, config file, NO_CACHE and databases per service, in two requests, with no credential anywhere", async () => {
    const logs: string[] = [];
    const { runtime, sim } = await start({}, logs);
    const web = sim.world.instanceByName("web", "production");
    sim.world.setVar(web.serviceId, web.environmentId, "NO_CACHE", "1");
    sim.requests.length = 0;

    const reply = await runtime.bot.command("setup", ctx);
    expect(sim.requests.map((r) => r.operationName)).toEqual(["ProjectSetup", "SetupVariables"]);

    const webField = reply.fields!.find((f) => f.name === "web · production")!;
    expect(webField.value).toContain("Builder: Nixpacks");
    expect(webField.value).toContain("`python manage.py migrate && gunicorn shop.wsgi --bind 0.0.0.0:$PORT`");
    expect(webField.value).toContain("Config file: still reads `railway.toml`");
    expect(webField.value).toMatch(/NO_CACHE: set since \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(reply.fields!.find((f) => f.name === "worker · production")!.value).toContain("Config file: no longer reads a config file");

    expect(reply.body).toContain("PostgreSQL at `postgres.railway.internal:5432` (Railway private network");
    expect(reply.body).toContain("PostgreSQL at `db.acme-neon.example.com:6543`, from `api.DATABASE_URL`");
    expect(reply.body).toContain("PostgreSQL (service `Postgres`)");
    expect(reply.body).toContain("Redis (plugin `Legacy Redis`)");
    expect(reply.body).toContain("drops the restart policy");
    // Only staging... no: the default environment (production) is shown.
    expect(reply.fields!.every((f) => f.name.endsWith("· production"))).toBe(true);

    for (const secret of [SECRET_URL_PASSWORD, DEMO_DATABASE_PASSWORD, "app_user", "sslmode"]) {
      expect(text(reply)).not.toContain(secret);
      expect(logs.join("")).not.toContain(secret);
    }
  });

  it("flags migrations that do not run on deploy and a pre-deploy command with two elements, with the fix", async () => {
    const { runtime } = await start();
    const api = await runtime.bot.command("setup api production", ctx);
    expect(api.tone).toBe("warning");
    expect(api.fields![0]!.value).toContain("Migrations do not run on deploy: the custom start command `gunicorn shop.wsgi --workers 3`");
    expect(api.fields![0]!.value).toContain("pre-deploy command to `python manage.py migrate`");
    const admin = await runtime.bot.command("setup admin", ctx);
    expect(admin.fields![0]!.value).toContain("has 2 elements");
    expect(admin.fields![0]!.value).not.toContain("Migrations do not run");
    const worker = await runtime.bot.command("setup worker", ctx);
    expect(worker.fields![0]!.value).not.toContain("⚠️");
  });

  it("names an unknown service or environment and lists the real ones", async () => {
    const { runtime } = await start();
    expect((await runtime.bot.command("setup webb", ctx)).body).toMatch(/`webb` is not a service of demo-shop\. Services: `web`, `worker`/);
    expect((await runtime.bot.command("setup web prod", ctx)).body).toContain("Environments: `production`, `staging`");
  });

  it("quotes Railway's own diagnosis of the latest deployment, whatever its shape", async () => {
    for (const shape of ["string", "object"] as const) {
      const { runtime, sim } = await start({ settings: { diagnosis: shape } });
      sim.scenario.plainFailure("worker", "production", { cause: "missing_package" });
      sim.advance(10 * 60_000);
      const reply = await runtime.bot.command("setup worker", ctx);
      expect(reply.fields![0]!.value).toContain("Railway's diagnosis: The build could not import a module that is not in requirements.txt.");
      await t!.close();
      t = undefined;
    }
  });

  it("reads migrations from the deployment's manifest while the service reads its file, when Railway includes it", () => {
    const base = {
      serviceName: "web",
      builder: "RAILPACK",
      startCommand: "gunicorn shop.wsgi",
      preDeployCommand: null,
      railwayConfigFile: "railway.toml",
      variables: [{ name: "DJANGO_SETTINGS_MODULE" }],
    };
    const manifest = { startCommand: "gunicorn shop.wsgi", preDeployCommand: ["python manage.py migrate"], builder: "RAILPACK" };
    const deployment = { id: "d", status: "SUCCESS" as const, createdAt: "", projectId: "p", serviceId: "s", environmentId: "e", manifest };
    const withManifest = migrationChecks({ ...base, latestDeployment: deployment });
    expect(withManifest.map((c) => c.kind)).toEqual(["config_file_commands"]);
    expect(withManifest[0]!.message).toContain("Migrations run from `railway.toml` only");
    // Without a manifest railcache cannot see the file's values: it says so instead of guessing.
    const without = migrationChecks({ ...base, latestDeployment: null });
    expect(without.map((c) => c.kind)).toEqual(["no_migrate", "config_file_commands"]);
    expect(without[1]!.message).toContain("the API does not show the file's values");
  });
});

describe("the config-as-code cutoff, worded for the date", () => {
  const after = Date.UTC(2026, 11, 6);
  const instance = { serviceId: "s", serviceName: "web", environmentId: "e", environmentName: "production", projectId: "p" };

  it("never says a file 'stops' being read once 2026-12-01 has passed (card, status, setup)", async () => {
    const card = configFileCard(instance, "railway.toml", after);
    const { runtime, sim } = await start();
    sim.world.now = after;
    const status = await runtime.railway!.api.projectStatus(DEMO_PROJECT_ID);
    const setup = await runtime.bot.command("setup", ctx);
    for (const reply of [card, projectStatusReply(status, {}, after), setup]) {
      expect(`${reply.title} ${reply.body} ${JSON.stringify(reply.fields ?? [])}`).not.toMatch(/\bstops?\b|\bstopped reading\b/i);
    }
    expect(card.body).toContain("Railway announced 2026-12-01 as the cutoff");
    expect(card.body).toContain("still reads `railway.toml`");
  });
});

describe("questions about our setup (the team-setup section, flagged live: setup)", () => {
  it("are answered with live facts from Railway when it is connected, for the service the question names", async () => {
    const { runtime, sim } = await start();
    const web = sim.world.instanceByName("web", "production");
    sim.world.setVar(web.serviceId, web.environmentId, "NO_CACHE", "1");
    const reply = await runtime.bot.ask("is NO_CACHE set on our web service right now?", ctx);
    expect(reply.title).toBe("Our setup, live from Railway: web (production)");
    expect(reply.fields![0]!.value).toMatch(/NO_CACHE: set since/);
    expect(text(reply)).not.toContain(DEMO_DATABASE_PASSWORD);
    // The same question through the command, and a question naming an environment.
    expect((await runtime.bot.command("ask which database does prod use?", ctx)).body).toContain("PostgreSQL at `postgres.railway.internal:5432`");
    // A question that is not about our setup stays a knowledge-base answer.
    expect((await runtime.bot.ask("how do I clear the build cache?", ctx)).title).not.toMatch(/live from Railway/);
  });

  it("are answered live when a refused question's button shows the section", async () => {
    const { runtime } = await start();
    const reply = await runtime.bot.action("show_answer", "team-setup", ctx);
    expect(reply.title).toMatch(/^Our setup, live from Railway: /);
  });

  it("fall back to the knowledge-base answer when Railway fails, and say so", async () => {
    const { runtime, sim } = await start();
    sim.faults.add({ operationName: "ProjectSetup", kind: "http500", times: Infinity });
    const reply = await runtime.bot.ask("what builder are we on, railpack or nixpacks?", ctx);
    expect(reply.context).toBe("railcache knowledge base: team-setup");
    expect(reply.body).toContain("Railway did not answer just now");
  });
});
