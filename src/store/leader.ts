/**
 * Leader election on the store's lease: among replicas sharing one store, at most one holds the
 * lease `name` at a time and is the leader (the one watcher that polls Railway and posts warnings).
 * The leader renews every `renewEveryMs`; followers try to take the lease as often, so when a
 * leader dies another takes over within `ttlMs + renewEveryMs`.
 *
 * A leader counts itself leader only until `ttlMs` after its last successful renewal *began*,
 * which is never later than the lease's expiry in the store: a replica cut off from the database
 * stops acting before anyone else can start. Expiry is judged by clocks, so replicas' clocks must
 * agree to well within `ttlMs`.
 */
import { systemClock, type Clock } from "../core/ports/clock.js";
import type { Logger } from "../log.js";
import type { Store } from "../core/ports/store.js";

export interface LeaderElectorOptions {
  store: Store;
  /** The lease to contend for, e.g. "watcher". */
  name: string;
  /** This replica's unique id (host name + pid, a random id...). */
  holder: string;
  /** How long a lease lives without renewal. */
  ttlMs: number;
  /** How often to renew (leader) or try to acquire (follower). Default: a third of `ttlMs`. */
  renewEveryMs?: number;
  /** Judges how long leadership lasts; the same clock the store uses. */
  clock?: Pick<Clock, "now">;
  log?: Logger;
}

export type LeadershipListener = (isLeader: boolean) => void;

export class LeaderElector {
  private readonly renewEveryMs: number;
  private readonly clock: Pick<Clock, "now">;
  private readonly listeners = new Set<LeadershipListener>();
  private leader = false;
  /** Until when the lease is surely ours: start of the last successful renewal + ttl. */
  private validUntil = 0;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(private readonly options: LeaderElectorOptions) {
    if (!(options.ttlMs > 0)) throw new Error("LeaderElector: ttlMs must be positive.");
    this.renewEveryMs = options.renewEveryMs ?? Math.max(1, Math.floor(options.ttlMs / 3));
    if (this.renewEveryMs >= options.ttlMs) throw new Error("LeaderElector: renewEveryMs must be shorter than ttlMs, or the lease lapses between renewals.");
    this.clock = options.clock ?? systemClock;
  }

  /** Start contending; the first attempt runs at once. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stop contending and, if leader, release the lease so another replica takes over at once. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.timer);
    await this.inFlight;
    this.setLeader(false);
    // Release even when not leader: an attempt that finished during stop() may have just taken it.
    try {
      await this.options.store.releaseLease(this.options.name, this.options.holder);
    } catch (error) {
      // The lease then simply expires after ttlMs.
      this.options.log?.warn({ event: "leader.release_failed", lease: this.options.name, err: errorSummary(error) }, "could not release the lease");
    }
  }

  /** True while this replica holds the lease and it cannot have expired yet. */
  isLeader(): boolean {
    return this.leader && this.clock.now() < this.validUntil;
  }

  /** Called with true when this replica becomes leader, false when it stops being one. Returns an unsubscribe. */
  onChange(listener: LeadershipListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.inFlight = this.attempt().finally(() => {
        this.inFlight = undefined;
        if (this.running) this.schedule(this.renewEveryMs);
      });
    }, delayMs);
  }

  private async attempt(): Promise<void> {
    const { store, name, holder, ttlMs } = this.options;
    const startedAt = this.clock.now();
    // Lapsed while we were not looking (a stalled event loop): not leader until the store agrees again.
    if (this.leader && startedAt >= this.validUntil) this.setLeader(false);
    try {
      const held = this.leader ? await store.renewLease(name, holder, ttlMs) : await store.acquireLease(name, holder, ttlMs);
      if (!this.running) return;
      if (held) this.validUntil = startedAt + ttlMs;
      this.setLeader(held);
    } catch (error) {
      this.options.log?.warn({ event: "leader.store_error", lease: name, err: errorSummary(error) }, "lease renewal failed");
      // Keep leading while the lease we already have is surely live; the next attempt retries.
      if (this.leader && this.clock.now() >= this.validUntil) this.setLeader(false);
    }
  }

  private setLeader(leader: boolean): void {
    if (leader === this.leader) return;
    this.leader = leader;
    this.options.log?.info(
      { event: leader ? "leader.elected" : "leader.stepped_down", lease: this.options.name, holder: this.options.holder },
      leader ? "became leader" : "no longer leader",
    );
    for (const listener of this.listeners) {
      try {
        listener(leader);
      } catch (error) {
        this.options.log?.error({ event: "leader.listener_failed", lease: this.options.name, err: errorSummary(error) }, "leadership listener threw");
      }
    }
  }
}

function errorSummary(error: unknown): { message: string } {
  return { message: error instanceof Error ? error.message : String(error) };
}
