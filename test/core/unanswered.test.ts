/**
 * Questions railcache refused, kept so a team sees what its runbooks miss: BotCore keeps them in
 * the store (real SQLite) after replying, `/railcache unanswered` lists them, secrets never kept.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createBotCore, type RequestContext } from "../../src/core/bot-core.js";
import { createAnswerEngine, loadKnowledgeBase } from "../../src/core/kb/index.js";
import { defaultPolicy } from "../../src/core/policy/policy.js";
import { systemClock } from "../../src/core/ports/clock.js";
import type { Store } from "../../src/core/ports/store.js";
import { listUnanswered, unansweredReply, unansweredText } from "../../src/core/unanswered.js";
import { silentLogger } from "../../src/log.js";
import { openSqliteStore } from "../../src/store/index.js";

const answers = createAnswerEngine(loadKnowledgeBase({}));
const ctx: RequestContext = { actor: { platform: "slack", userId: "U0DANA", groups: [] }, target: { platform: "slack", channelId: "C0GENERAL" } };
const REFUSED = "how do I rotate the stripe webhook signing secret on our billing service";
const ANSWERED = "how do I clear the build cache on railway";
// Token shapes put together at run time, so no secret scanner takes the source for a leak.
const STRIPE_KEY = ["sk", "live", "abcdefghijklmnop123"].join("_");
const JWT = ["eyJhbGciOiJIUzI1NiJ9", "eyJzdWIiOiIxMjM0NTY3ODkwIn0", "abcdefghijklmnop"].join(".");

describe("questions railcache could not answer", () => {
  const dirs: string[] = [];
  const stores: Store[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const open = (now?: () => number): Store => {
    const dir = mkdtempSync(path.join(tmpdir(), "railcache-unanswered-"));
    dirs.push(dir);
    const store = openSqliteStore({ path: path.join(dir, "railcache.db"), ...(now ? { now } : {}) });
    stores.push(store);
    return store;
  };
  const kept = async (store: Store, expected: number) => {
    await vi.waitFor(async () => expect(await listUnanswered(store, 0)).toHaveLength(expected));
    return listUnanswered(store, 0);
  };

  it("keeps a refused question once per wording, counting how often it was asked, and never an answered one", async () => {
    expect(answers.answer(REFUSED).matched).toBe(false);
    expect(answers.answer(ANSWERED).matched).toBe(true);
    const store = open();
    const bot = createBotCore({ answers, store, policy: defaultPolicy(), clock: systemClock, log: silentLogger() });
    await bot.ask(REFUSED, ctx);
    await bot.ask(ANSWERED, ctx);
    await bot.ask(`  ${REFUSED.toUpperCase()} `, ctx);
    await vi.waitFor(async () => expect((await listUnanswered(store, 0))[0]?.count).toBe(2));
    const [question] = await kept(store, 1);
    expect(question).toMatchObject({ text: REFUSED, count: 2, closest: answers.answer(REFUSED).explain.candidates[0]!.id });
    // Nothing names who asked.
    expect(JSON.stringify(await store.kvList("unanswered:"))).not.toContain("U0DANA");
  });

  it("blanks secrets in a refused paste before keeping it", async () => {
    const store = open();
    const bot = createBotCore({ answers, store, policy: defaultPolicy(), clock: systemClock, log: silentLogger() });
    const paste = `our stripe webhook fails, settings has STRIPE_SECRET_KEY = '${STRIPE_KEY}' and DATABASE_URL=postgres://app:hunter2pass@db:5432/shop, header Authorization: Bearer ${JWT}`;
    expect(answers.answer(paste).matched).toBe(false);
    await bot.ask(paste, ctx);
    const [question] = await kept(store, 1);
    const raw = JSON.stringify(await store.kvList("unanswered:"));
    for (const secret of [STRIPE_KEY, "hunter2pass", JWT.split(".")[0]!]) {
      expect(raw).not.toContain(secret);
      expect(question!.text).not.toContain(secret);
    }
    expect(question!.text).toContain("[redacted]");
  });

  it("keeps nothing with RAILCACHE_UNANSWERED_DAYS=0, and says so", async () => {
    const store = open();
    const bot = createBotCore({ answers, store, policy: defaultPolicy(), clock: systemClock, log: silentLogger(), unansweredDays: 0 });
    await bot.ask(REFUSED, ctx);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await store.kvList("unanswered:")).toEqual([]);
    expect(await bot.command("unanswered", ctx)).toMatchObject({ title: "Refused questions are not kept" });
  });

  it("forgets a question the given number of days after it was last asked", async () => {
    let now = Date.UTC(2026, 11, 1);
    const store = open(() => now);
    const clock = { now: () => now, sleep: systemClock.sleep };
    const bot = createBotCore({ answers, store, policy: defaultPolicy(), clock, log: silentLogger(), unansweredDays: 2 });
    await bot.ask(REFUSED, ctx);
    await kept(store, 1);
    now += 2 * 86_400_000 - 1;
    expect(await listUnanswered(store, 0)).toHaveLength(1);
    now += 2;
    expect(await listUnanswered(store, 0)).toEqual([]);
  });

  it("lists them in chat, most asked first, and only those asked in the period", async () => {
    let now = Date.UTC(2026, 11, 1);
    const store = open(() => now);
    const clock = { now: () => now, sleep: systemClock.sleep };
    const bot = createBotCore({ answers, store, policy: defaultPolicy(), clock, log: silentLogger() });
    const old = "what is the best pizza topping for a deploy party";
    await bot.ask(old, ctx);
    await kept(store, 1);
    now += 10 * 86_400_000;
    await bot.ask(REFUSED, ctx);
    await bot.ask(REFUSED, ctx);
    await vi.waitFor(async () => expect((await listUnanswered(store, 0)).map((q) => q.count)).toEqual([2, 1]));

    const week = await bot.command("unanswered 7d", ctx);
    expect(week).toMatchObject({ title: "Questions I could not answer: last 7d", private: true });
    expect(week.body).toMatch(/^1 refused question\b/);
    const closest = answers.answer(REFUSED).explain.candidates[0]!.id;
    expect(week.code?.[0]?.text).toContain(`2x  ${REFUSED}  -> closest: ${answers.section(closest)!.title}`);
    expect(week.code?.[0]?.text).not.toContain("pizza");
    expect((await bot.command("unanswered", ctx)).code?.[0]?.text.split("\n")).toHaveLength(2);
    expect(await bot.command("unanswered soon", ctx)).toMatchObject({ title: "Not a period I understand" });
  });

  it("counts, and no longer lists, a question the runbooks answer now (an example added since)", async () => {
    const store = open();
    const before = createBotCore({ answers, store, policy: defaultPolicy(), clock: systemClock, log: silentLogger() });
    await before.ask(REFUSED, ctx);
    await kept(store, 1);
    const dir = mkdtempSync(path.join(tmpdir(), "railcache-unanswered-kb-"));
    dirs.push(dir);
    writeFileSync(
      path.join(dir, "billing.md"),
      `---\nexamples:\n  "Rotate the Stripe webhook secret":\n    - ${REFUSED}\n    - how do we roll the stripe signing secret\n---\n# Billing\n## Rotate the Stripe webhook secret\nRoll it in the Stripe dashboard, then set STRIPE_WEBHOOK_SECRET on the billing service.\n`,
    );
    const teamAnswers = createAnswerEngine(loadKnowledgeBase({ extraDir: dir }));
    expect(teamAnswers.answer(REFUSED).matched).toBe(true);
    const after = createBotCore({ answers: teamAnswers, store, policy: defaultPolicy(), clock: systemClock, log: silentLogger() });
    const reply = await after.command("unanswered", ctx);
    expect(reply.body).toBe("The question refused in that period is answered now.");
    expect(reply.code).toBeUndefined();
    // Still kept: were the runbook to lose the example, the question would be listed again.
    expect(await listUnanswered(store, 0)).toHaveLength(1);
    expect(unansweredText([], () => undefined, 2)).toBe("The 2 questions refused in that period are answered now.");
    expect(unansweredReply([{ text: "a", count: 1, firstAt: 0, lastAt: 0, closest: null, offered: false }], "7d", 3).body).toMatch(
      / 3 more refused then are answered now\.$/,
    );
  });

  it("groups them for the terminal under the section each came closest to, ready to paste as examples", () => {
    const text = unansweredText(
      [
        { text: "a", count: 3, firstAt: 0, lastAt: Date.UTC(2026, 11, 5), closest: "fix-dashboard", offered: true },
        { text: 'say "b"', count: 1, firstAt: 0, lastAt: Date.UTC(2026, 11, 6), closest: null, offered: false },
      ],
      (id) => answers.section(id)?.title,
    );
    expect(text).toContain(`closest: "${answers.section("fix-dashboard")!.title}" (fix-dashboard)\n  - "a"  # 3x, last 2026-12-05, offered`);
    expect(text).toContain('closest: none\n  - "say \\"b\\""  # 1x, last 2026-12-06');
    expect(unansweredText([], () => undefined)).toBe("No refused questions in that period.");
  });

  it("still answers when the store cannot keep the question", async () => {
    const store = open();
    await store.close();
    const warn = vi.fn();
    const log = { ...silentLogger(), warn } as unknown as ReturnType<typeof silentLogger>;
    const bot = createBotCore({ answers, store, policy: defaultPolicy(), clock: systemClock, log });
    const reply = await bot.ask(REFUSED, ctx);
    expect(reply.title).toBe("Not something I know");
    await vi.waitFor(() => expect(warn).toHaveBeenCalledWith(expect.objectContaining({ event: "unanswered.write_failed" }), expect.any(String)));
  });
});
