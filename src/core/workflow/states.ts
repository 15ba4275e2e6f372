/**
 * The clear / redeploy workflow as a transition table. The engine persists the state after
 * every step (compare-and-set in the store), so a crash leaves a row that `recover()` can read.
 *
 *   requested -> awaiting_confirmation -> confirmed -> no_cache_set -> rebuild_triggered ->
 *   building -> no_cache_removed -> deployed | failed | image_reused -> done
 *
 * plus cancelled, denied (an approver declined) and expired (too late, or the deployment changed).
 * `no_cache_removed` means "NO_CACHE is back to how we found it"; for a plain redeploy (which never
 * touches NO_CACHE) the step is a no-op. Every failure after confirmation goes through it.
 */

export const transitions = {
  requested: { ask: "awaiting_confirmation", expire: "expired" },
  awaiting_confirmation: { confirm: "confirmed", cancel: "cancelled", deny: "denied", expire: "expired" },
  confirmed: { stale: "expired", set_no_cache: "no_cache_set", trigger: "rebuild_triggered", restore: "no_cache_removed" },
  no_cache_set: { trigger: "rebuild_triggered", restore: "no_cache_removed" },
  rebuild_triggered: { build_started: "building", restore: "no_cache_removed" },
  building: { restore: "no_cache_removed" },
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
