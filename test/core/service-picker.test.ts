/**
 * The service picker behind an answer's "Clear cache and rebuild" button (which does not know the
 * service): it must offer every environment, the failing one first, through the real runtime.
 */
import { afterEach, expect, it } from "vitest";
import type { RequestContext } from "../../src/core/bot-core.js";
import { startTestRuntime, type TestRuntime } from "../support/runtime.js";

const alice: RequestContext = {
  actor: { platform: "slack", userId: "U0ALICE", displayName: "Alice", groups: [] },
  target: { platform: "slack", channelId: "C0GENERAL" },
};

let t: TestRuntime | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

it("offers each service in every environment, the one whose deploy failed first", async () => {
  t = await startTestRuntime();
  t.sim.scenario.staleCache("web", "staging");
  t.sim.advance(3 * 60_000);
  const picker = await t.runtime.bot.action("clear", "", alice);
  expect(picker.title).toBe("Which service should I rebuild without cache?");
  expect(picker.actions?.map((a) => a.value)).toEqual(["web@staging", "web@production", "worker@production", "worker@staging"]);
});
