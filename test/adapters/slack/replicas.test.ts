/**
 * Two replicas of the bot on one database, each with its own Slack app connection (real Bolt,
 * fake Slack): Slack may redeliver an event to a replica other than the one that answered it.
 */
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startTestRuntime, type TestRuntime } from "../../support/runtime.js";
import { startSlackHarness, waitFor, type SlackHarness } from "./harness.js";

describe("Slack events across replicas sharing one store", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function replica(db?: string): Promise<{ runtime: TestRuntime; slack: SlackHarness }> {
    const runtime = await startTestRuntime(db ? { env: { RAILCACHE_DB: db } } : {});
    cleanups.push(() => runtime.close());
    const slack = await startSlackHarness({ bot: runtime.runtime.bot, mode: "http" });
    cleanups.push(() => slack.stop());
    runtime.runtime.messengers.register("slack", slack.adapter.messenger);
    return { runtime, slack };
  }

  it("answers an event once when Slack redelivers it to the other replica, and still answers new events there", async () => {
    const a = await replica();
    const b = await replica(path.join(a.runtime.dir, "railcache.db"));

    await a.slack.event("mention", { text: "<@U0BOT> stale cache after adding a model?" }, { eventId: "Ev0REPLICA" });
    await a.slack.slack.waitForCalls("chat.postMessage");
    await b.slack.event("mention", { text: "<@U0BOT> stale cache after adding a model?" }, { eventId: "Ev0REPLICA", retryNum: 1 });
    await waitFor(() => b.slack.logs.some((l) => l.event === "slack.event.duplicate"), "the redelivery to be dropped");
    expect(b.slack.slack.callsTo("chat.postMessage")).toHaveLength(0);

    await b.slack.event("mention", { text: "<@U0BOT> how do I clear the build cache?" }, { eventId: "Ev0OTHER" });
    await b.slack.slack.waitForCalls("chat.postMessage");
    expect(a.slack.slack.callsTo("chat.postMessage")).toHaveLength(1);
  });
});
