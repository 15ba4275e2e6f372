import { afterEach, describe, expect, it } from "vitest";
import type { Clock } from "../../../src/core/ports/clock.js";
import { DEMO_PROJECT_ID, World } from "../../../src/railway/simulator/index.js";
import { createHarness, TODAY, type Harness } from "./harness.js";

let h: Harness;
afterEach(async () => {
  await h.close();
});

const hour = 60 * 60 * 1000;

/** 50 Django services in production and staging, all deployed long ago. */
function bigWorld(): World {
  const world = new World({ now: TODAY - 3 * hour });
  const project = world.addProject("big-shop", { id: DEMO_PROJECT_ID });
  const envs = [world.addEnvironment(project.id, "production"), world.addEnvironment(project.id, "staging")];
  for (let i = 1; i <= 50; i += 1) {
    const service = world.addService(project.id, `svc-${String(i).padStart(2, "0")}`, {
      commits: [{ hash: `${String(i).padStart(2, "0")}`.repeat(20), message: "Initial", author: "Dana", branch: "main" }],
    });
    for (const env of envs) world.deploy(service.id, env.id);
  }
  world.advance(3 * hour);
  return world;
}

/** Runs the watcher's own loop for one simulated hour; `at` stages events at offsets from the start. */
async function runForAnHour(harness: Harness, at: { offsetMs: number; stage: () => void }[] = []): Promise<void> {
  const start = harness.sim.clock.now();
  const controller = new AbortController();
  const pending = [...at].sort((a, b) => a.offsetMs - b.offsetMs);
  const clock: Clock = {
    now: harness.sim.clock.now,
    sleep: async (ms) => {
      await harness.sim.clock.sleep(Math.min(ms, start + hour - harness.sim.clock.now()));
      while (pending[0] && harness.sim.clock.now() - start >= pending[0].offsetMs) pending.shift()!.stage();
      if (harness.sim.clock.now() >= start + hour) controller.abort();
    },
  };
  harness.watcher = harness.restart({ clock, rules: { configFile: { enabled: false } } });
  harness.sim.requests.length = 0;
  await harness.watcher.run(controller.signal);
}

describe("Watcher: request budget", () => {
  it("stays under 130 requests an hour for 50 services in 2 environments, failures included", async () => {
    h = await createHarness({ world: bigWorld() });
    await runForAnHour(h, [
      { offsetMs: 10 * 60_000, stage: () => void h.sim.scenario.staleCache("svc-07", "production") },
      { offsetMs: 25 * 60_000, stage: () => void h.sim.scenario.plainFailure("svc-31", "staging") },
    ]);

    const polls = h.sim.requests.filter((r) => r.operationName === "ProjectStatus").length;
    expect(polls).toBeGreaterThanOrEqual(110); // still polling about every 30 s
    expect(h.sim.requests.length).toBeLessThan(130);
    expect(h.sim.requests.every((r) => r.status === 200)).toBe(true);
    expect(h.messenger.posts).toHaveLength(2);
    console.info(`50 x 2 for a simulated hour: ${h.sim.requests.length} requests (${polls} polls)`);
  });

  it("slows down on a Free plan budget (100 an hour) instead of running into 429s", async () => {
    h = await createHarness({ world: bigWorld(), rateLimitPerHour: 100 });
    await runForAnHour(h);

    expect(h.sim.requests.length).toBeLessThanOrEqual(80); // a fifth of the budget stays free for people
    expect(h.sim.requests.length).toBeGreaterThan(20);
    expect(h.sim.requests.some((r) => r.status === 429)).toBe(false);
  });
});
