/** The Railway simulator: an in-process GraphQL server over Railway's real schema. */
export { startSimulator, type Simulator, type SimulatorOptions, type RequestRecord } from "./server.js";
export {
  World,
  type SimCommit,
  type SimDeployment,
  type SimEnvironment,
  type SimInstance,
  type SimProject,
  type SimNotificationRule,
  type SimService,
  type WorldSettings,
} from "./world.js";
export { type FaultKind, type FaultSpec } from "./faults.js";
export type { Scenarios, FailureOptions } from "./scenarios.js";
export { type TokenGrant } from "./resolvers.js";
export { deliverWebhook, deploymentEventPayload, notifyRules } from "./notifications.js";
export * from "./demo.js";
