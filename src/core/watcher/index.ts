/** The deploy watcher: public surface. */
export { Watcher, type WatcherOptions, type WatcherRoute, type WatcherRouting, type DeploymentHint, type HintOutcome, type WarningRule } from "./watcher.js";
export { nextPollDelay, type PollDelayOptions } from "./poll-delay.js";
export {
  CONFIG_AS_CODE_CUTOFF,
  daysUntilConfigCutoff,
  defaultWatcherRules,
  diagnoseFailure,
  findFiveXxBurst,
  isOlderStatus,
  resolveWatcherRules,
  staleCacheMatches,
  statusRank,
  type FailureDiagnosis,
  type FiveXxBurst,
  type WatcherRules,
  type WatcherRulesInput,
} from "./rules.js";
export { clearActionValue, instanceActionValue, parseActionValue, type InstanceRef } from "./cards.js";
