/** `railcache doctor` on a team's runbooks: which headings are too thin to be found by how the team asks, and what the bot refused. */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runDoctorChecks } from "../../../src/adapters/cli/doctor.js";
import { createAnswerEngine, loadKnowledgeBase } from "../../../src/core/kb/index.js";
import { openKnowledge, storeShippedModels } from "../../../src/core/kb/open-knowledge.js";
import { recordUnanswered } from "../../../src/core/unanswered.js";
import { silentLogger } from "../../../src/log.js";
import { openSqliteStore } from "../../../src/store/index.js";

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const examples = ["worker stuck again", "kick the worker", "worker frozen, what now", "restart celery how", "celery hung after deploy"];

async function teamCheck(env: Record<string, string>) {
  const checks = await runDoctorChecks({ RAILCACHE_DB: ":memory:", ...env }, { demo: false, log: silentLogger() });
  return checks.find((c) => c.check === "team runbooks");
}

describe("railcache doctor on a team's runbooks", () => {
  it("names the headings with too few example questions and says what to add", async () => {
    dir = mkdtempSync(join(tmpdir(), "railcache-doctor-"));
    const front = `---\nexamples:\n  "Restart the worker":\n${examples.map((e) => `    - ${e}\n`).join("")}---\n`;
    writeFileSync(
      join(dir, "ops.md"),
      `${front}# Ops\n## Restart the worker\nRun \`railway redeploy --service worker\`.\n## Rotate the Stripe key\nRoll it in the dashboard.\n`,
    );
    const check = await teamCheck({ RAILCACHE_KB_DIR: dir });
    expect(check).toMatchObject({
      level: "warn",
      message: expect.stringContaining('1 of 2 headings has fewer than 5 example questions ("Rotate the Stripe key")'),
    });
    expect(check?.message).not.toContain("Restart the worker");
    expect(check?.message).toContain("examples:");
  });

  it("is content when every heading has examples, and silent without team runbooks", async () => {
    dir = mkdtempSync(join(tmpdir(), "railcache-doctor-"));
    const front = `---\nexamples:\n  "Restart the worker":\n${examples.map((e) => `    - ${e}\n`).join("")}---\n`;
    writeFileSync(join(dir, "ops.md"), `${front}# Restart the worker\nRun \`railway redeploy --service worker\`.\n`);
    expect(await teamCheck({ RAILCACHE_KB_DIR: dir })).toMatchObject({ level: "ok", message: "1 heading, with 5 or more example questions" });
    expect(await teamCheck({})).toBeUndefined();
  });

  it("says whether the runbooks' answer model was stored by the build, kept from an earlier start, or is built at the next start", async () => {
    dir = mkdtempSync(join(tmpdir(), "railcache-doctor-"));
    const team = join(dir, "runbooks");
    const modelDirs = { cache: join(dir, "cache"), shipped: join(dir, "shipped") };
    mkdirSync(team);
    writeFileSync(join(team, "ops.md"), "# Restart the worker\nRun `railway redeploy --service worker`.\n");
    const modelCheck = async () =>
      (await runDoctorChecks({ RAILCACHE_DB: ":memory:", RAILCACHE_KB_DIR: team }, { demo: false, log: silentLogger(), modelDirs })).find(
        (c) => c.check === "team runbooks' answer model",
      );
    expect(await modelCheck()).toMatchObject({
      level: "warn",
      message: expect.stringMatching(/^not stored for these runbook files: the next start builds it .*runbooks\//),
    });
    openKnowledge(team, silentLogger(), modelDirs.cache, null);
    expect(await modelCheck()).toMatchObject({ level: "ok", message: expect.stringMatching(/^kept from an earlier start on this machine; a new container/) });
    storeShippedModels(modelDirs.shipped, team, silentLogger());
    expect(await modelCheck()).toMatchObject({ level: "ok", message: expect.stringMatching(/^stored by the build/) });
    // An edited runbook is not the one the build stored (nor the one kept).
    writeFileSync(join(team, "ops.md"), "# Restart the worker\nRun `railway restart --service worker`.\n");
    expect(await modelCheck()).toMatchObject({ level: "warn" });
  });
});

describe("railcache doctor on the questions the bot refused", () => {
  const refused = (text: string) => createAnswerEngine(loadKnowledgeBase({})).answer(text);
  const unansweredCheck = async (env: Record<string, string>) =>
    (await runDoctorChecks(env, { demo: false, log: silentLogger() })).find((c) => c.check === "unanswered questions");

  it("counts what the bot refused in the last 30 days and points at railcache unanswered", async () => {
    dir = mkdtempSync(join(tmpdir(), "railcache-doctor-"));
    const db = join(dir, "railcache.db");
    const store = openSqliteStore({ path: db });
    const pizza = "what is the best pizza in town";
    const stripe = "how do I rotate the stripe webhook signing secret on our billing service";
    for (const text of [pizza, pizza, stripe]) await recordUnanswered(store, Date.now(), text, refused(text), 30);
    await store.close();
    expect(await unansweredCheck({ RAILCACHE_DB: db })).toEqual({
      check: "unanswered questions",
      level: "warn",
      message:
        "2 refused in the last 30 days (1 asked more than once): `railcache unanswered` lists them under the section each came closest to; add their wordings to the right heading's `examples:`.",
    });
    expect(await unansweredCheck({ RAILCACHE_DB: db, RAILCACHE_UNANSWERED_DAYS: "0" })).toMatchObject({
      level: "ok",
      message: "not kept (RAILCACHE_UNANSWERED_DAYS=0)",
    });
    // A runbook that answers the Stripe question now: only the pizza is left.
    const kb = join(dir, "runbooks");
    mkdirSync(kb);
    writeFileSync(
      join(kb, "billing.md"),
      `---\nexamples:\n  "Rotate the Stripe webhook secret":\n    - ${stripe}\n    - how do we roll the stripe signing secret\n---\n# Billing\n## Rotate the Stripe webhook secret\nRoll it in the Stripe dashboard, then set STRIPE_WEBHOOK_SECRET on the billing service.\n`,
    );
    expect((await unansweredCheck({ RAILCACHE_DB: db, RAILCACHE_KB_DIR: kb }))?.message).toMatch(/^1 refused in the last 30 days \(1 asked more than once\): /);
  });

  it("says nothing, and creates nothing, where the bot has not run", async () => {
    dir = mkdtempSync(join(tmpdir(), "railcache-doctor-"));
    const db = join(dir, "nested", "railcache.db");
    expect(await unansweredCheck({ RAILCACHE_DB: db })).toBeUndefined();
    expect(existsSync(join(dir, "nested"))).toBe(false);
  });
});
