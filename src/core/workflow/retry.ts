/**
 * Retries a Railway call on transient errors (429, 5xx, timeouts, garbled answers) with
 * exponential backoff that honours Retry-After. Written here rather than with p-retry because it
 * must sleep on the injected Clock: tests and the simulator move time, they do not wait for it.
 */
import { RailwayError } from "../../railway/types.js";
import type { Clock } from "../ports.js";

export interface RetryOptions {
  /** Total attempts, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetry: RetryOptions = { attempts: 5, baseDelayMs: 1_000, maxDelayMs: 30_000 };

const transient = new Set(["rate_limited", "unavailable", "timeout", "bad_response"]);

export function isTransient(error: unknown): boolean {
  return error instanceof RailwayError && transient.has(error.kind);
}

/** For steps that must not give up easily (removing NO_CACHE): anything Railway says except "not authorised". */
export function isRailwayHiccup(error: unknown): boolean {
  return error instanceof RailwayError && error.kind !== "unauthorized";
}

export async function withRetry<T>(
  clock: Clock,
  options: RetryOptions,
  fn: () => Promise<T>,
  onRetry?: (error: unknown, attempt: number) => void,
  shouldRetry: (error: unknown) => boolean = isTransient,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!shouldRetry(error) || attempt >= options.attempts) throw error;
      onRetry?.(error, attempt);
      const backoff = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
      const hinted = error instanceof RailwayError && error.retryAfterMs !== undefined ? Math.min(error.retryAfterMs, 10 * 60_000) : 0;
      await clock.sleep(Math.max(backoff, hinted));
    }
  }
}

/** The message to show for any error from a Railway call: the user message, never a stack or token. */
export function describeError(error: unknown): string {
  if (error instanceof RailwayError) return error.userMessage;
  return "an unexpected error (details are in railcache's log)";
}
