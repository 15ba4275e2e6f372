/**
 * How long to wait before the next poll: the base interval while the rate budget is healthy,
 * longer as X-RateLimit-Remaining runs low, so polling never eats the budget that commands and
 * cache-clear workflows need.
 */
import type { RateBudget } from "../ports/railway.js";

export interface PollDelayOptions {
  /** Requests kept for everything that is not polling: this share of the limit (default 0.2) ... */
  reserveShare?: number;
  /** ... and at least this many (default 10). */
  reserveMin?: number;
  /** Polling may spend at most this share of what is left above the reserve (default 0.5). */
  spendShare?: number;
}

/**
 * Pure: the next poll delay in ms for the budget Railway last reported at `now`.
 * Unknown budget -> `baseMs`. Above the reserve, polls are spread so they use at most half of
 * what is left before the reset; at or below it, wait for the reset.
 */
export function nextPollDelay(budget: RateBudget, baseMs: number, now: number, options: PollDelayOptions = {}): number {
  if (budget.remaining === null || budget.resetAt === null) return baseMs;
  const limit = budget.limit ?? budget.remaining;
  const reserve = Math.max(options.reserveMin ?? 10, Math.ceil(limit * (options.reserveShare ?? 0.2)));
  const untilReset = Math.max(0, budget.resetAt - now);
  const usable = budget.remaining - reserve;
  if (usable <= 0) return Math.max(baseMs, untilReset + 1_000);
  const spread = untilReset / (usable * (options.spendShare ?? 0.5));
  return Math.max(baseMs, Math.ceil(spread));
}
