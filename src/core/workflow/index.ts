export {
  WorkflowEngine,
  defaultTimeouts,
  type WorkflowEngineOptions,
  type WorkflowTimeouts,
  type WorkflowUpdate,
  type WorkflowKind,
  type RequestResult,
  type ConfirmResult,
  type CancelSelector,
} from "./engine.js";
export type { Workflow, WorkflowData, Person } from "./data.js";
export { transitions, finalStates, outcomeStates, nextState, type WorkflowState, type WorkflowEvent } from "./states.js";
export { workflowStatusReply, promptReply } from "./messages.js";
