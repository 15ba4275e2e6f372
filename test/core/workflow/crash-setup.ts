import type { WorkflowTimeouts } from "../../../src/core/workflow/engine.js";
import type { Actor } from "../../../src/core/ports.js";

/** Shared by the crash child and the test that restarts after it. Real time, short polls. */
export const childTimeouts: Partial<WorkflowTimeouts> = {
  pollMs: 20,
  retry: { attempts: 4, baseDelayMs: 20, maxDelayMs: 100 },
  restoreRetry: { attempts: 5, baseDelayMs: 20, maxDelayMs: 100 },
};

export const crashActor: Actor = { platform: "cli", userId: "ops", displayName: "Ops", groups: [] };
