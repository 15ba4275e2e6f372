/**
 * The `railcache` command line, run as a user runs it: a child process with a clean
 * environment (no tokens), a temp store, and the demo project where a command says --demo.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const dir = mkdtempSync(path.join(tmpdir(), "railcache-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function railcache(args: string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ["--import", "tsx", "src/cli.ts", ...args],
      {
        cwd: root,
        env: { PATH: process.env.PATH ?? "", HOME: dir, RAILCACHE_DB: path.join(dir, "railcache.db"), NO_COLOR: "1", ...options.env },
        timeout: 60_000,
      },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(options.input ?? "");
  });
}

describe("railcache ask", () => {
  it("answers a pasted FieldError with the stale-cache section", async () => {
    const run = await railcache(["ask", "--json", "django.core.exceptions.FieldError: Invalid field name(s) given in select_related: 'customer'"]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ matched: true, section: { id: "symptoms" } });
    expect(result.answer).toMatch(/\/railcache clear <service>/);
  });

  it("says plainly when a question is not something it knows", async () => {
    const run = await railcache(["ask", "how", "much", "does", "railway", "pro", "cost", "per", "month"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Not something I know/);
  });

  it("answers JSON lines on stdin one line each, keeping going past a malformed line", async () => {
    const input = [
      JSON.stringify({ id: "a", text: "ImportError: cannot import name 'Invoice' from 'billing.models'" }),
      "{not json",
      JSON.stringify({ id: 7, text: "how do I clear the npm cache on my laptop" }),
    ].join("\n");
    const run = await railcache(["ask", "--jsonl"], { input });
    const lines = run.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(3);
    expect(Object.keys(lines[0])).toEqual(["id", "matched", "confidence", "section", "answer", "sections"]);
    expect(lines[0]).toMatchObject({ id: "a", matched: true });
    expect(lines[1]).toMatchObject({ id: null, line: 2 });
    expect(lines[2]).toMatchObject({ id: 7, matched: false, section: null });
  });
});

describe("railcache status", () => {
  it("refuses to run without a token and says how to set one or try --demo", async () => {
    const run = await railcache(["status"]);
    // A missing token is configuration: exit 2, as the README documents.
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/RAILWAY_TOKEN/);
    expect(run.stderr).toMatch(/--demo/);
    expect(run.stdout).toBe("");
  });

  it("shows every service per environment of the demo project with dashboard links", async () => {
    const run = await railcache(["status", "--demo", "--json"]);
    expect(run.code).toBe(0);
    const status = JSON.parse(run.stdout);
    expect(status.ok).toBe(true);
    expect(status.services.length).toBe(4);
    for (const service of status.services) expect(service.url).toMatch(/^https:\/\/railway\.com\/project\/.+\/service\/.+\?environmentId=/);
  });

  it("applies the policy's status rules, as in chat: a person allowed one service sees only that one", async () => {
    const policy = `[[allow]]\nname = "web watchers"\npermissions = ["status"]\nusers = ["${userInfo().username}"]\nservices = ["web"]\n`;
    const run = await railcache(["status", "--demo", "--json"], { env: { RAILCACHE_POLICY: policy } });
    expect(run.code).toBe(0);
    const status = JSON.parse(run.stdout) as { services: { service: string }[] };
    expect(status.services.length).toBeGreaterThan(0);
    expect(new Set(status.services.map((s) => s.service))).toEqual(new Set(["web"]));
  });

  it("suggests the closest name for a typo and exits non-zero", async () => {
    const run = await railcache(["status", "wbe", "--demo"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/web/);
  });

  it("lists every configuration problem at once with exit code 2", async () => {
    const run = await railcache(["status"], { env: { SLACK_BOT_TOKEN: "not-a-bot-token", PORT: "eighty" } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/SLACK_BOT_TOKEN should start with xoxb-/);
    expect(run.stderr).toMatch(/PORT/);
    expect(run.stderr).not.toContain("not-a-bot-token");
  });
});

describe("railcache clear", () => {
  it("does nothing without a confirmation when there is no terminal to ask at", async () => {
    const run = await railcache(["clear", "web", "--demo"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/--yes/);
  });

  it("clears the demo web service with --yes, and the audit log tells the story", { timeout: 90_000 }, async () => {
    const run = await railcache(["clear", "web", "--env", "production", "--demo", "--yes", "--json"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ ok: true, workflow: { state: "done", data: { outcome: "deployed" } } });

    const audit = await railcache(["audit", "--demo", "--json"]);
    const events = (JSON.parse(audit.stdout) as { event: string; workflowId: string }[]).filter((e) => e.workflowId === result.workflow.id).map((e) => e.event);
    expect(events).toEqual(
      expect.arrayContaining(["workflow.ask", "workflow.confirm", "workflow.set_no_cache", "workflow.trigger", "workflow.restore", "workflow.succeed"]),
    );
    expect(audit.stdout).not.toMatch(/demo-account-token/);
  });
});

describe("railcache setup", () => {
  it("prints a service's real setup from the demo project as JSON, with the database host and no password", async () => {
    const run = await railcache(["setup", "web", "--demo", "--json"]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.services.map((s: { serviceName: string; environmentName: string }) => `${s.serviceName}/${s.environmentName}`)).toEqual(["web/production"]);
    expect(result.services[0]).toMatchObject({ builder: "NIXPACKS", railwayConfigFile: "railway.toml", checks: [] });
    expect(result.databases).toContainEqual(expect.objectContaining({ kind: "postgresql", host: "postgres.railway.internal:5432" }));
    expect(run.stdout).not.toContain("demo-pg-pass");
  });

  it("exits 1 naming the services when the service is unknown", async () => {
    const run = await railcache(["setup", "wbe", "--demo"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("wbe is not a service of demo-shop. Services: web, worker.");
  });
});

describe("railcache doctor, manifest and chat", () => {
  it("reports a healthy demo setup and the token kind", async () => {
    const run = await railcache(["doctor", "--demo"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/railway token: an account or workspace token/);
    expect(run.stdout).toMatch(/demo-shop/);
  });

  it("fails doctor without a token, saying what to set", async () => {
    const run = await railcache(["doctor"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL\] railway token: No Railway token/);
  });

  it("prints a Slack manifest for Socket Mode", async () => {
    const run = await railcache(["manifest", "slack", "--socket"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/socket_mode_enabled: true/);
    expect(run.stdout).toMatch(/\/railcache/);
  });

  it("opens a console chat that answers questions and runs /railcache commands", async () => {
    const run = await railcache(["chat"], { input: "my build cache is stale after adding a model\n/railcache status web\n/railcache bogus\nquit\n" });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/console chat/);
    expect(run.stdout).toMatch(/SUCCESS/);
    expect(run.stdout).toMatch(/Unknown command bogus/);
    // Markdown is rendered for the terminal, not printed as it is written.
    expect(run.stdout).not.toMatch(/`|\*\*/);
    expect(run.stdout).toMatch(/Slack:/);
  });
});

describe("railcache doctor --lint-only (CI)", () => {
  it("lints a project with no token or configuration: 0 when clean, 3 when it finds something, 2 without a directory", async () => {
    const clean = await railcache(["doctor", "--lint-only", "test/fixtures/projects/clean-project"]);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/no problems found/);
    const guide = await railcache(["doctor", "--lint-only", "--json", "test/fixtures/projects/guide-project"]);
    expect(guide.code).toBe(3);
    expect(JSON.parse(guide.stdout).findings.length).toBeGreaterThan(0);
    expect(guide.stdout).not.toMatch(/railway token/);
    expect((await railcache(["doctor", "--lint-only"])).code).toBe(2);
  });
});

describe("railcache audit", () => {
  it("says where it looked when there is no audit log, and leaves no database behind", async () => {
    const empty = mkdtempSync(path.join(tmpdir(), "railcache-audit-"));
    try {
      const db = path.join(empty, ".railcache", "railcache.db");
      const run = await railcache(["audit"], { env: { RAILCACHE_DB: db } });
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        `railcache: No audit log at ${db}: railcache has not run with this database here. Set RAILCACHE_DB to the bot's SQLite file, or DATABASE_URL to its PostgreSQL.\n`,
      );
      expect(existsSync(path.join(empty, ".railcache"))).toBe(false);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe("railcache unanswered", () => {
  it("lists the questions the bot kept as refused, grouped by their closest section, from the bot's database", async () => {
    const folder = mkdtempSync(path.join(tmpdir(), "railcache-unanswered-"));
    try {
      const db = path.join(folder, "railcache.db");
      const missing = await railcache(["unanswered"], { env: { RAILCACHE_DB: db } });
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain(`No database at ${db}: railcache has not run with this database here.`);
      expect(existsSync(db)).toBe(false);

      // What the running bot keeps (BotCore, the same store), then what the CLI reads back.
      const { openSqliteStore } = await import("../src/store/index.js");
      const { recordUnanswered } = await import("../src/core/unanswered.js");
      const { createAnswerEngine, loadKnowledgeBase } = await import("../src/core/kb/index.js");
      const question = "how do I rotate the stripe webhook signing secret on our billing service";
      const result = createAnswerEngine(loadKnowledgeBase({})).answer(question);
      const store = openSqliteStore({ path: db });
      await recordUnanswered(store, Date.now(), question, result, 30);
      await recordUnanswered(store, Date.now(), question, result, 30);
      await store.close();

      const run = await railcache(["unanswered"], { env: { RAILCACHE_DB: db } });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/^1 refused question, grouped by the section each came closest to:\n\nclosest: ".+" \([a-z-]+\)\n/);
      expect(run.stdout).toContain(`  - ${JSON.stringify(question)}  # 2x, last `);
      const json = await railcache(["unanswered", "--json", "--since", "1d"], { env: { RAILCACHE_DB: db } });
      expect(JSON.parse(json.stdout)).toEqual([expect.objectContaining({ text: question, count: 2 })]);
      expect((await railcache(["unanswered", "--since", "a month"], { env: { RAILCACHE_DB: db } })).code).toBe(2);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe("railcache check", () => {
  it("exits 0 when the team's questions are answered as expected, 3 under --min, 2 for a file it cannot use", async () => {
    const folder = mkdtempSync(path.join(tmpdir(), "railcache-check-cli-"));
    try {
      const file = path.join(folder, "questions.jsonl");
      const line = (text: string, expect: string | null) => JSON.stringify({ text, expect });
      writeFileSync(file, `${line("how do I clear the build cache on railway", "fix-dashboard")}\n${line("what is the best pizza in town", null)}\n`);
      const pass = await railcache(["check", file]);
      expect(pass.code, pass.stderr).toBe(0);
      expect(pass.stdout).toContain("1/1 answered from the expected section, 1/1 refused as expected: 100%");
      writeFileSync(file, `${line("how do I clear the build cache on railway", "migrations")}\n`);
      const fail = await railcache(["check", file]);
      expect(fail.code).toBe(3);
      expect(fail.stdout).toContain(`${file}:1: expected migrations, got fix-dashboard`);
      writeFileSync(file, "{}\n");
      const bad = await railcache(["check", file]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('line 1: needs "text"');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe("railcache audit --since", () => {
  it("takes the shared duration grammar, seconds and days included, and explains it when refused", async () => {
    for (const since of ["90s", "1d"]) {
      const run = await railcache(["audit", "--demo", "--since", since, "--json"]);
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual(expect.any(Array));
    }
    const refused = await railcache(["audit", "--demo", "--since", "5 minutes"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--since takes a number and a unit \(ms, s, m, h, d, w\).*got "5 minutes"/);
  });
});
