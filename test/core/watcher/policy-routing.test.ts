import { afterEach, describe, expect, it } from "vitest";
import { mergeWatchSettings } from "../../../src/runtime.js";
import { parsePolicy } from "../../../src/core/policy/index.js";
import { alerts, createHarness, type Harness } from "./harness.js";

let h: Harness;
afterEach(async () => {
  await h.close();
});

const policyToml = ["[watcher.rules]", "config_file = false", "", "[[watcher.route]]", 'service = "worker"', 'slack_channel = "C0WORKER"'].join("\n");

describe("Watcher routes from railcache.toml", () => {
  it("posts a stale-cache card for worker to the worker route's channel, and web's to the default one", async () => {
    const settings = mergeWatchSettings({ routing: { default: alerts } }, parsePolicy(policyToml).watcher);
    h = await createHarness({ watcher: { routing: settings.routing, ...(settings.rules ? { rules: settings.rules } : {}) } });

    const worker = h.sim.scenario.staleCache("worker", "production")!;
    const web = h.sim.scenario.staleCache("web", "production")!;
    await h.pollFor(3 * 60_000);

    expect(worker.status).toBe("CRASHED");
    const [workerCard, ...extraWorker] = h.messenger.cardsFor(worker.id);
    expect(extraWorker).toHaveLength(0);
    expect(workerCard?.ref.channelId).toBe("C0WORKER");
    expect(workerCard?.reply.title).toMatch(/^worker \(production\) crashed: looks like a stale build cache/);

    const [webCard] = h.messenger.cardsFor(web.id);
    expect(webCard?.ref.channelId).toBe(alerts.channelId);
    // config_file = false in the policy: no railway.toml warning besides the two cards.
    expect(h.messenger.posts).toHaveLength(2);
  });
});
