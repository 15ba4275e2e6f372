/** The deploy watcher: public surface. */
export { Watcher, type WatcherOptions, type WatcherRoute, type WatcherRouting, type DeploymentHint, type HintOutcome, type WarningRule } from "./watcher.js";
export { nextPollDelay, type PollDelayOptions } from "./poll-delay.js";
export { defaultWatcherRules, resolveWatcherRules, type FailureDiagnosis, type FiveXxBurst, type WatcherRules, type WatcherRulesInput } from "./rules.js";
export { parseActionValue, type InstanceRef } from "./cards.js";
