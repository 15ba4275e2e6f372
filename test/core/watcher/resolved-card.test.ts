/**
 * The warning card and what people do with it, through the real runtime (BotCore, workflow
 * engine, watcher) over the simulator: a clear started from a card updates that card when it
 * ends, and a mute is announced in the channel with a way to undo it.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RequestContext } from "../../../src/core/bot-core.js";
import { startTestRuntime, type TestRuntime } from "../../support/runtime.js";
import { RecordingMessenger } from "./harness.js";

const alice: RequestContext = {
  actor: { platform: "slack", userId: "U0ALICE", displayName: "Alice", groups: [] },
  target: { platform: "slack", channelId: "C0ALERTS" },
};

let t: TestRuntime;
let messenger: RecordingMessenger;
beforeEach(async () => {
  t = await startTestRuntime({ watch: { routing: { default: { platform: "slack", channelId: "C0ALERTS" } }, rules: { configFile: { enabled: false } } } });
  messenger = new RecordingMessenger();
  t.runtime.messengers.register("slack", messenger);
});
afterEach(async () => {
  await t.close();
});

async function staleCacheCard() {
  const crashed = t.sim.scenario.staleCache("web", "production")!;
  t.sim.advance(3 * 60_000);
  await t.runtime.watcher!.pollOnce();
  await t.runtime.watcher!.idle();
  const [card] = messenger.cardsFor(crashed.id);
  if (!card) throw new Error("no warning card");
  return { crashed, card };
}

describe("the warning card after the clear it led to", () => {
  it("is updated when the clear ends: resolved, what ran, who asked, no buttons left", async () => {
    const { card } = await staleCacheCard();
    const clear = card.reply.actions?.find((a) => a.kind === "clear");
    expect(clear).toBeDefined();

    const prompt = await t.runtime.bot.action("clear", clear!.value!, alice);
    const confirm = prompt.actions?.find((a) => a.kind === "confirm");
    await t.runtime.bot.action("confirm", confirm!.value!, alice);
    await t.runtime.workflows!.idle();

    const now = messenger.current.get(card.ref.messageId)!;
    expect(now.title).toBe("Resolved: web (production) rebuilt");
    expect(now.body).toMatch(
      /railcache ran a rebuild without the build cache of `web` in \*\*production\*\* and it deployed\. Live now: deployment `[0-9a-f]{8}`\. Asked by Alice\./,
    );
    expect(now.actions?.map((a) => a.kind)).toEqual(["link"]);
    expect(now.tone).toBe("success");

    // Later watcher cycles leave the resolved card as it is.
    t.sim.advance(5 * 60_000);
    await t.runtime.watcher!.pollOnce();
    await t.runtime.watcher!.idle();
    expect(messenger.current.get(card.ref.messageId)?.title).toBe("Resolved: web (production) rebuilt");
  });
});

describe("muting a service's warnings", () => {
  it("is announced in the channel with who and how long, and can be undone", async () => {
    const { crashed, card } = await staleCacheCard();
    const mute = card.reply.actions?.find((a) => a.kind === "mute");
    const announced = await t.runtime.bot.action("mute", mute!.value!, alice);
    expect(announced.private).toBeFalsy();
    expect(announced.title).toBe("Warnings muted for web (production)");
    expect(announced.body).toMatch(/^Alice muted new warnings for `web` in \*\*production\*\* for 1 h, until \d\d:\d\d UTC\.$/);
    expect(await t.runtime.watcher!.mutedUntil(crashed.serviceId, crashed.environmentId)).not.toBeNull();

    const unmute = announced.actions?.find((a) => a.kind === "unmute");
    const undone = await t.runtime.bot.action("unmute", unmute!.value!, alice);
    expect(undone.body).toMatch(/Alice ended the mute/);
    expect(await t.runtime.watcher!.mutedUntil(crashed.serviceId, crashed.environmentId)).toBeNull();
  });
});

describe("a clear and the watcher on the same service", () => {
  it("refuses to remove NO_CACHE from a card's button while a clear owns the service", async () => {
    const { crashed, card } = await staleCacheCard();
    const clear = card.reply.actions?.find((a) => a.kind === "clear");
    await t.runtime.bot.action("clear", clear!.value!, alice); // waiting for confirmation: the clear holds the service

    const answer = await t.runtime.watcher!.removeNoCache(crashed.serviceId, crashed.environmentId, "Alice");
    expect(answer.title).toBe("Not now");
    expect(answer.body).toContain("removes `NO_CACHE` itself when it finishes");
  });
});
