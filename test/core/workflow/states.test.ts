import { describe, expect, it } from "vitest";
import { actions } from "../../../src/core/workflow/actions.js";
import { finalStates, nextState, outcomeStates, transitions, workflowStates, type WorkflowState } from "../../../src/core/workflow/states.js";

function reachable(from: WorkflowState): Set<WorkflowState> {
  const seen = new Set<WorkflowState>([from]);
  const queue = [from];
  while (queue.length) {
    const state = queue.shift() as WorkflowState;
    for (const next of Object.values(transitions[state]) as WorkflowState[]) {
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(next);
    }
  }
  return seen;
}

describe("the workflow transition table", () => {
  it("has exactly done, cancelled, denied and expired as final states", () => {
    expect([...finalStates].sort()).toEqual(["cancelled", "denied", "done", "expired"]);
  });

  it("names each way a run can end as an outcome, never done itself", () => {
    expect([...outcomeStates].sort()).toEqual(["cancelled", "denied", "deployed", "expired", "failed", "image_reused"]);
  });

  it("reaches every state from requested", () => {
    expect([...reachable("requested")].sort()).toEqual([...workflowStates].sort());
  });

  it("lets every unfinished state reach a final state", () => {
    for (const state of workflowStates) {
      expect(
        [...reachable(state)].some((s) => finalStates.has(s)),
        state,
      ).toBe(true);
    }
  });

  it("restores NO_CACHE on every path from confirmation to a successful or failed end", () => {
    // Without the two states that put NO_CACHE back, confirmed cannot reach an outcome: no way around them.
    const seen = new Set<WorkflowState>(["confirmed"]);
    const queue: WorkflowState[] = ["confirmed"];
    while (queue.length) {
      const state = queue.shift() as WorkflowState;
      for (const [event, next] of Object.entries(transitions[state]) as [string, WorkflowState][]) {
        if (next === "restoring" || next === "aborting" || seen.has(next)) continue;
        void event;
        seen.add(next);
        queue.push(next);
      }
    }
    expect(seen.has("deployed")).toBe(false);
    expect(seen.has("failed")).toBe(false);
    expect(seen.has("image_reused")).toBe(false);
  });

  it("gives every state the engine drives exactly one action, and none to states that wait for people or are over", () => {
    const waiting = new Set<WorkflowState>(["requested", "awaiting_confirmation"]);
    for (const state of workflowStates) {
      expect(typeof actions[state] === "function", state).toBe(!finalStates.has(state) && !waiting.has(state));
    }
  });

  it("refuses events the table does not list", () => {
    expect(nextState("awaiting_confirmation", "confirm")).toBe("confirmed");
    expect(nextState("done", "confirm")).toBeNull();
    expect(nextState("building", "trigger")).toBeNull();
  });
});
