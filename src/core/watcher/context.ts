/** What every part of the watcher shares: its dependencies, its records and where cards go. */
import type { Logger } from "../../log.js";
import type { ChatTarget, Outbox } from "../ports/chat.js";
import type { Clock } from "../ports/clock.js";
import { RailwayError, type RailwayApi } from "../ports/railway.js";
import type { Store } from "../ports/store.js";
import type { InstanceRef } from "./cards.js";
import type { KnownInstances } from "./routing.js";
import type { WatcherRules } from "./rules.js";
import type { CardKind, WatcherState } from "./state.js";

/** The rule behind a posted card: a deployment card's kind, or a per-service reminder. */
export type WarningRule = CardKind | "no_cache" | "config_file" | "migrations_on_deploy";

export interface WatcherContext {
  railway: RailwayApi;
  /** For what the workflow engine owns (its service locks); the watcher's own records go through `state`. */
  store: Store;
  state: WatcherState;
  projectId: string;
  rules: WatcherRules;
  clock: Clock;
  log: Logger;
  /** Where cards are posted and edited: the same outbox the workflow engine uses. */
  outbox: Outbox;
  instances: KnownInstances;
  route(instance: InstanceRef): ChatTarget;
  /** Called once for every new card posted (not for edits), with the rule that raised it. */
  onWarning(rule: WarningRule): void;
}

/** Optional extra requests (log and variable checks) wait while the budget is nearly spent. */
export function hasBudget(railway: RailwayApi): boolean {
  const budget = railway.rateBudget();
  if (budget.remaining === null) return true;
  const limit = budget.limit ?? budget.remaining;
  return budget.remaining > Math.max(10, Math.ceil(limit * 0.1));
}

/** An error as one log field: a RailwayError's kind and user message, else its message. */
export function describeError(error: unknown): string {
  if (error instanceof RailwayError) return `${error.kind}: ${error.userMessage}`;
  return error instanceof Error ? error.message : String(error);
}
