/** Fault injection for the simulator: per request or per operation name, a limited number of times. */

export type FaultKind = "http429" | "http500" | "http502" | "timeout" | "malformedJson" | "graphqlError";

export interface FaultSpec {
  kind: FaultKind;
  /** Only requests with this operationName; any request when absent. */
  operationName?: string;
  /** How many matching requests it hits; 1 when absent, Infinity for always. */
  times?: number;
  /** For http429: the Retry-After value in seconds (default 2). */
  retryAfterSeconds?: number;
  /** For graphqlError: the error message (default "Problem processing request"). */
  message?: string;
  /** For graphqlError: extensions.code (default INTERNAL_SERVER_ERROR, Railway's own failure); null for a plain refusal. */
  code?: string | null;
  /** For timeout: answer after this many ms instead of never. */
  delayMs?: number;
}

export class Faults {
  private readonly active: (FaultSpec & { remaining: number })[] = [];

  add(spec: FaultSpec): void {
    this.active.push({ ...spec, remaining: spec.times ?? 1 });
  }

  clear(): void {
    this.active.length = 0;
  }

  /** Faults still waiting to fire. */
  get pending(): number {
    return this.active.reduce((n, f) => n + (f.remaining > 0 ? 1 : 0), 0);
  }

  /** Takes the first fault matching this request, consuming one of its uses. */
  take(operationName: string | null): FaultSpec | null {
    const fault = this.active.find((f) => f.remaining > 0 && (!f.operationName || f.operationName === operationName));
    if (!fault) return null;
    fault.remaining -= 1;
    return fault;
  }
}
