/**
 * The watcher's migration warning (from Railway's settings, not files), once per service, and
 * Railway's own diagnosis quoted on failure cards. The simulator validates every query.
 */
import { afterEach, describe, expect, it } from "vitest";
import { DEMO_PROJECT_ID, demoWorld } from "../../../src/railway/simulator/index.js";
import { createHarness, TODAY, type Harness } from "./harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const noConfigWarning = { rules: { configFile: { enabled: false } } };
const migrationCards = (harness: Harness) => harness.messenger.posts.filter((p) => p.reply.context === "railcache watcher · migrations");

function worldWithApi() {
  const world = demoWorld({ now: TODAY });
  const api = world.addService(DEMO_PROJECT_ID, "api", { instance: { startCommand: "gunicorn shop.wsgi --workers 3" } });
  return { world, api };
}

describe("Watcher: migrations that do not run on deploy", () => {
  it("warns once per service with the fix, across environments, polls and restarts", async () => {
    const { world } = worldWithApi();
    h = await createHarness({ world, watcher: noConfigWarning });
    await h.pollFor(2 * 60_000);
    h.watcher = h.restart();
    await h.pollFor(60_000);
    const cards = migrationCards(h);
    expect(cards).toHaveLength(1);
    expect(cards[0]!.reply.title).toBe("api: migrations may not run on deploy");
    expect(cards[0]!.reply.body).toContain("the custom start command `gunicorn shop.wsgi --workers 3`");
    expect(cards[0]!.reply.body).toContain("pre-deploy command to `python manage.py migrate`");
  });

  it("warns again when a fixed service breaks again, and never when the rule is off", async () => {
    const { world, api } = worldWithApi();
    h = await createHarness({ world, watcher: noConfigWarning });
    await h.pollFor(60_000);
    expect(migrationCards(h)).toHaveLength(1);
    const production = [...world.environments.values()].find((e) => e.name === "production")!;
    const instance = world.instance(api.id, production.id)!;
    const staging = world.instanceByName("api", "staging");
    instance.preDeployCommand = ["python manage.py migrate"];
    staging.preDeployCommand = ["python manage.py migrate"];
    await h.pollFor(60_000);
    instance.preDeployCommand = ["python manage.py migrate", "python manage.py collectstatic --noinput"];
    await h.pollFor(60_000);
    const cards = migrationCards(h);
    expect(cards).toHaveLength(2);
    expect(cards[1]!.reply.body).toContain("has 2 elements");
    await h.close();

    h = await createHarness({ world: worldWithApi().world, watcher: { rules: { configFile: { enabled: false }, migrations: { enabled: false } } } });
    await h.pollFor(60_000);
    expect(migrationCards(h)).toHaveLength(0);
  });
});

describe("Watcher: Railway's own diagnosis on failure cards", () => {
  for (const shape of ["string", "object"] as const) {
    it(`quotes Deployment.diagnosis (a ${shape}) beside railcache's diagnosis`, async () => {
      h = await createHarness({ watcher: noConfigWarning });
      h.world.settings.diagnosis = shape;
      const stale = h.sim.scenario.staleCache("web", "staging")!;
      const plain = h.sim.scenario.plainFailure("worker", "production", { cause: "missing_package" })!;
      await h.pollFor(5 * 60_000);
      const staleCard = h.messenger.cardsFor(stale.id)[0]!.reply;
      expect(staleCard.title).toContain("looks like a stale build cache");
      expect(staleCard.body).toContain("**Railway's diagnosis:** The application crashed at startup with a Django FieldError after a cached build.");
      expect(h.messenger.cardsFor(plain.id)[0]!.reply.body).toContain(
        "**Railway's diagnosis:** The build could not import a module that is not in requirements.txt.",
      );
    });
  }

  it("says nothing of Railway's diagnosis when it has none", async () => {
    h = await createHarness({ watcher: noConfigWarning });
    const stale = h.sim.scenario.staleCache("web", "staging")!;
    await h.pollFor(5 * 60_000);
    expect(h.messenger.cardsFor(stale.id)[0]!.reply.body).not.toContain("Railway's diagnosis");
  });
});
