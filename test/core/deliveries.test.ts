/**
 * BotCore.firstDelivery: which chat-platform event deliveries are first (answer them) and which
 * are redeliveries (drop them), with the store shared by replicas and without it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createBotCore } from "../../src/core/bot-core.js";
import { createAnswerEngine, loadKnowledgeBase } from "../../src/core/kb/index.js";
import { defaultPolicy } from "../../src/core/policy/policy.js";
import { systemClock } from "../../src/core/ports/clock.js";
import { createLogger, silentLogger } from "../../src/log.js";
import { openSqliteStore } from "../../src/store/index.js";
import type { Store } from "../../src/core/ports/store.js";

const answers = createAnswerEngine(loadKnowledgeBase({}));
const core = (store?: Store, log = silentLogger()) => createBotCore({ answers, policy: defaultPolicy(), clock: systemClock, log, ...(store ? { store } : {}) });

describe("firstDelivery", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const sqliteFile = () => {
    const dir = mkdtempSync(path.join(tmpdir(), "railcache-deliveries-"));
    dirs.push(dir);
    return path.join(dir, "railcache.db");
  };

  it("is true once per event id across two cores on one store", async () => {
    const file = sqliteFile();
    const [storeA, storeB] = [await openSqliteStore({ path: file }), await openSqliteStore({ path: file })];
    try {
      const [a, b] = [core(storeA), core(storeB)];
      expect(await a.firstDelivery("slack:Ev1")).toBe(true);
      expect(await b.firstDelivery("slack:Ev1")).toBe(false);
      expect(await a.firstDelivery("slack:Ev1")).toBe(false);
      expect(await b.firstDelivery("slack:Ev2")).toBe(true);
    } finally {
      await storeA.close();
      await storeB.close();
    }
  });

  it("remembers in memory without a store", async () => {
    const bot = core();
    expect(await bot.firstDelivery("slack:Ev1")).toBe(true);
    expect(await bot.firstDelivery("slack:Ev1")).toBe(false);
  });

  it("falls back to memory, and says so in the log, when the store fails: the event is answered, not lost", async () => {
    const store = await openSqliteStore({ path: sqliteFile() });
    await store.close();
    const lines: string[] = [];
    const bot = core(store, createLogger({ destination: { write: (line: string) => void lines.push(line) } }));
    expect(await bot.firstDelivery("slack:Ev1")).toBe(true);
    expect(await bot.firstDelivery("slack:Ev1")).toBe(false);
    expect(lines.join("")).toContain("delivery.claim_failed");
  });
});
