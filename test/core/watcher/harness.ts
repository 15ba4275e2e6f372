/**
 * A watcher wired the way the server wires it: the real RailwayClient against the Railway
 * simulator on 127.0.0.1, a temp SQLite store, the simulator's clock, and a recording Messenger
 * as the chat sink (Messenger is our port; the Slack adapter has its own test against fake Slack).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChatTarget, MessageRef, Messenger } from "../../../src/core/ports/chat.js";
import type { Reply } from "../../../src/core/reply.js";
import { Watcher, type WatcherOptions } from "../../../src/core/watcher/index.js";
import { silentLogger } from "../../../src/log.js";
import { RailwayClient } from "../../../src/railway/client.js";
import { DEMO_ACCOUNT_TOKEN, DEMO_PROJECT_ID, demoWorld, startSimulator, type Simulator, type World } from "../../../src/railway/simulator/index.js";
import { openSqliteStore } from "../../../src/store/sqlite/sqlite-store.js";
import type { Store } from "../../../src/core/ports/store.js";
import { MessengerRegistry } from "../../../src/core/messengers.js";

/** Today in the project's story: six days before Railway stops reading railway.toml. */
export const TODAY = Date.UTC(2026, 10, 25, 9, 0, 0);

export const alerts: ChatTarget = { platform: "slack", channelId: "C0ALERTS" };
export const stagingAlerts: ChatTarget = { platform: "slack", channelId: "C0STAGING" };

/** Records what the watcher posts and edits; message ids are sequential. */
export class RecordingMessenger implements Messenger {
  readonly posts: { ref: MessageRef; reply: Reply }[] = [];
  readonly updates: { ref: MessageRef; reply: Reply }[] = [];
  /** The latest content of every message, by message id. */
  readonly current = new Map<string, Reply>();

  async post(target: ChatTarget, reply: Reply): Promise<MessageRef> {
    const ref: MessageRef = { ...target, messageId: `m${this.posts.length + 1}` };
    this.posts.push({ ref, reply });
    this.current.set(ref.messageId, reply);
    return ref;
  }

  async update(ref: MessageRef, reply: Reply): Promise<void> {
    if (!this.current.has(ref.messageId)) throw new Error(`no message ${ref.messageId} to update`);
    this.updates.push({ ref, reply });
    this.current.set(ref.messageId, reply);
  }

  /** Posts about one deployment (its id is in the card's context line). */
  cardsFor(deploymentId: string): { ref: MessageRef; reply: Reply }[] {
    return this.posts.filter((p) => p.reply.context?.includes(deploymentId));
  }
}

export interface Harness {
  sim: Simulator;
  world: World;
  store: Store;
  railway: RailwayClient;
  messenger: RecordingMessenger;
  watcher: Watcher;
  /** A new Watcher on the same store and simulator, as after a restart. */
  restart(overrides?: Partial<WatcherOptions>): Watcher;
  /** One poll, then `ms` of simulated time. */
  cycle(ms?: number): Promise<void>;
  /** Polls every `everyMs` until `ms` of simulated time has passed. */
  pollFor(ms: number, everyMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function createHarness(options: { world?: World; rateLimitPerHour?: number; watcher?: Partial<WatcherOptions> } = {}): Promise<Harness> {
  const world = options.world ?? demoWorld({ now: TODAY });
  const sim = await startSimulator({ world, ...(options.rateLimitPerHour ? { rateLimitPerHour: options.rateLimitPerHour } : {}) });
  const dir = mkdtempSync(join(tmpdir(), "railcache-watcher-"));
  const store = openSqliteStore({ path: join(dir, "railcache.db"), now: sim.clock.now });
  const railway = new RailwayClient({
    endpoint: sim.url,
    token: DEMO_ACCOUNT_TOKEN,
    tokenKind: "account",
    clock: sim.clock,
    timeoutMs: 2_000,
    retries: 1,
    random: () => 0.5,
  });
  const messenger = new RecordingMessenger();
  const make = (overrides: Partial<WatcherOptions> = {}) =>
    new Watcher({
      railway,
      store,
      projectId: DEMO_PROJECT_ID,
      outbox: MessengerRegistry.of({ slack: messenger }),
      routing: { default: alerts, routes: [{ environment: "staging", target: stagingAlerts }] },
      clock: sim.clock,
      log: silentLogger(),
      ...options.watcher,
      ...overrides,
    });
  const harness: Harness = {
    sim,
    world,
    store,
    railway,
    messenger,
    watcher: make(),
    restart: make,
    cycle: async (ms = 30_000) => {
      await harness.watcher.pollOnce();
      await harness.watcher.idle();
      sim.advance(ms);
    },
    pollFor: async (ms, everyMs = 30_000) => {
      const end = sim.clock.now() + ms;
      while (sim.clock.now() < end) await harness.cycle(Math.min(everyMs, end - sim.clock.now()));
      await harness.watcher.pollOnce();
    },
    close: async () => {
      await store.close();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}
