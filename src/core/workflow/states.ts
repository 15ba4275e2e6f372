/**
 * The clear / redeploy workflow as a transition table. Every state has ONE action (actions.ts)
 * and the engine persists the state before and after it (compare-and-set in the store), so a
 * crash leaves a row whose state alone says what to do next: recovery runs that state's action.
 *
 *   requested -> awaiting_confirmation -> confirmed -> no_cache_set -> rebuild_requested ->
 *   rebuild_triggered -> building -> restoring -> no_cache_removed -> deployed | failed | image_reused -> done
 *
 * - `rebuild_requested`: the rebuild request may have reached Railway but its answer did not reach
 *   us (a timeout, a crash): the action looks for the deployment before asking again.
 * - `restoring` / `aborting`: NO_CACHE is being put back as it was (after the build, or after a
 *   failure); neither gives up while railcache runs. A redeploy never touches NO_CACHE, so for it
 *   these are instant.
 * plus cancelled (also: the prompt could not be posted), denied (an approver declined) and expired
 * (too late, or the deployment changed before confirmation).
 */

export const transitions = {
  requested: { ask: "awaiting_confirmation", expire: "expired" },
  awaiting_confirmation: { confirm: "confirmed", cancel: "cancelled", withdraw: "cancelled", deny: "denied", expire: "expired" },
  confirmed: { stale: "expired", set_no_cache: "no_cache_set", request_rebuild: "rebuild_requested", abort: "aborting" },
  no_cache_set: { request_rebuild: "rebuild_requested", trigger: "rebuild_triggered", abort: "aborting" },
  rebuild_requested: { trigger: "rebuild_triggered", abort: "aborting" },
  rebuild_triggered: { build_started: "building", build_done: "restoring", abort: "aborting" },
  building: { build_done: "restoring", abort: "aborting" },
  restoring: { restore: "no_cache_removed" },
  aborting: { fail: "failed" },
  no_cache_removed: { succeed: "deployed", fail: "failed", reuse: "image_reused" },
  deployed: { finish: "done" },
  failed: { finish: "done" },
  image_reused: { finish: "done" },
  done: {},
  cancelled: {},
  denied: {},
  expired: {},
} as const satisfies Record<string, Record<string, string>>;

export type WorkflowState = keyof typeof transitions;
export type WorkflowEvent = { [S in WorkflowState]: keyof (typeof transitions)[S] }[WorkflowState];

export const workflowStates = Object.keys(transitions) as WorkflowState[];

/** States with no way out: the workflow is over and its service lock is released. */
export const finalStates: ReadonlySet<WorkflowState> = new Set(workflowStates.filter((s) => Object.keys(transitions[s]).length === 0));

/** How a workflow ended: a final state other than `done`, or a state whose only way on is `done`. */
export const outcomeStates: ReadonlySet<WorkflowState> = new Set(
  workflowStates.filter((s) => {
    const next: string[] = Object.values(transitions[s]);
    return next.length ? next.every((n) => n === "done") : s !== "done";
  }),
);

export function isWorkflowState(value: string): value is WorkflowState {
  return Object.hasOwn(transitions, value);
}

/** The state `event` leads to from `state`, or null when the table has no such transition. */
export function nextState(state: WorkflowState, event: WorkflowEvent): WorkflowState | null {
  const row = transitions[state] as Partial<Record<WorkflowEvent, WorkflowState>>;
  return row[event] ?? null;
}
