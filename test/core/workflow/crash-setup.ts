import type { WorkflowTimeouts } from "../../../src/core/workflow/engine.js";
import type { Actor } from "../../../src/core/ports/chat.js";

/** Shared by the crash child and the test that restarts after it. Real time, short polls. */
export const childTimeouts: Partial<WorkflowTimeouts> = {
  pollMs: 20,
  maxPollMs: 100,
  restoreBaseDelayMs: 20,
  restoreMaxDelayMs: 100,
  // Short, so the "no restart: another replica takes over" case runs in seconds.
  leaseMs: 1_500,
};

export const crashActor: Actor = { platform: "cli", userId: "ops", displayName: "Ops", groups: [] };

/** The crashed bot's stable instance id: its restart uses the same one and takes its leases back at once. */
export const crashedInstance = "bot-1";
