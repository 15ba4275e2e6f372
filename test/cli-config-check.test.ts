/**
 * `railcache config check` as a user runs it before a deploy: a child process, a real policy
 * file, real local servers for the start-up probes.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startFakeSlack } from "./fakes/slack/server.js";

const root = path.resolve(import.meta.dirname, "..");
const dir = mkdtempSync(path.join(tmpdir(), "railcache-config-check-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function check(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "src/cli.ts", "config", "check", ...args],
      { cwd: root, env: { PATH: process.env.PATH ?? "", HOME: dir, RAILCACHE_DB: path.join(dir, "railcache.db"), ...env }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const misspelt = ['cooldwon = "2m"', "[watcher]", 'poll_intervall = "30s"', "[[watcher.route]]", 'service = "web"', 'slack_chanel = "C0WORKER"'].join("\n");

describe("railcache config check", () => {
  it("lists every problem from the environment and the file at once, sorted, with did-you-mean, and exits 2", async () => {
    const file = path.join(dir, "railcache.toml");
    writeFileSync(file, misspelt);
    const run = await check([], {
      RAILCACHE_CONFIG: file,
      SLACK_WARN_CHANNEL: "#alerts",
      DISCORD_WARN_CHANNEL: "general",
      PORT: "http",
      SLACK_WARN_CHANEL: "C0ALERTS",
    });
    expect(run.code).toBe(2);
    const problems = run.stderr.split("\n").filter((line) => line.startsWith("  - "));
    expect(problems.map((p) => p.replace(/^ {2}- /, "").split(" ")[0])).toEqual([
      "DISCORD_WARN_CHANNEL",
      "PORT",
      "SLACK_WARN_CHANNEL",
      file,
      file,
      file,
      file,
      // The warning about an unknown variable comes last, under "Warnings:".
      "SLACK_WARN_CHANEL",
    ]);
    expect(run.stderr).toMatch(/line 1: `cooldwon`: unknown key; did you mean `cooldown`\?/);
    expect(run.stderr).toMatch(/line 3: `watcher\.poll_intervall`: unknown key; did you mean `poll_interval`\?/);
    expect(run.stderr).toMatch(/line 6: `watcher\.route\[0\]\.slack_chanel`: unknown key; did you mean `slack_channel`\?/);
    expect(run.stderr).toMatch(/SLACK_WARN_CHANNEL should be a Slack channel id such as C0123ABCD .*not a #name/);
    expect(run.stderr).toMatch(/DISCORD_WARN_CHANNEL should be a numeric Discord channel id/);
    expect(run.stderr).toMatch(/SLACK_WARN_CHANEL is not a variable railcache reads; did you mean SLACK_WARN_CHANNEL\?/);
    expect(run.stdout).toBe("");
  });

  it("prints the same report as JSON with --json", async () => {
    const run = await check(["--json"], { RAILCACHE_CONFIG: "", SLACK_WARN_CHANNEL: "#alerts" });
    expect(run.code).toBe(2);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ valid: false, policy: "none", probes: [] });
    expect(report.problems).toEqual([expect.stringMatching(/^SLACK_WARN_CHANNEL should be a Slack channel id/)]);
  });

  it("with --probe tries the database, the port, Slack and Railway, and exits 1 when one is down", async () => {
    const slack = await startFakeSlack({ botToken: "xoxb-right-token", scopes: [] });
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    try {
      const env = {
        RAILCACHE_CONFIG: "",
        HOST: "127.0.0.1",
        PORT: String((taken.address() as AddressInfo).port),
        SLACK_BOT_TOKEN: "xoxb-right-token",
        SLACK_SIGNING_SECRET: "0123456789abcdef0123456789abcdef",
        SLACK_API_URL: slack.apiUrl,
        RAILWAY_TOKEN: "rw-project-token-test",
        RAILWAY_API_URL: `http://127.0.0.1:${closedPort}/graphql/v2`,
        RAILWAY_TIMEOUT_MS: "1000",
      };
      const run = await check(["--probe", "--json"], env);
      expect(run.code).toBe(1);
      const report = JSON.parse(run.stdout) as { valid: boolean; probes: { check: string; ok: boolean; message: string }[] };
      expect(report.valid).toBe(true);
      expect(report.probes.map((p) => [p.check, p.ok])).toEqual([
        ["database", true],
        ["port", false],
        ["slack", true],
        ["railway", false],
      ]);
      expect(report.probes[1]?.message).toMatch(/^Cannot listen on 127\.0\.0\.1:\d+: the port is already in use/);
      expect(report.probes[3]?.message).toBe(
        `Cannot reach Railway at http://127.0.0.1:${closedPort}/graphql/v2: connection refused (nothing is listening there), ECONNREFUSED.`,
      );
      // A refused Slack token is a setting to fix: exit 2.
      const wrong = await check(["--probe"], { ...env, PORT: "0", SLACK_BOT_TOKEN: "xoxb-wrong-token", RAILWAY_TOKEN: "", RAILWAY_API_URL: "" });
      expect(wrong.code).toBe(2);
      expect(wrong.stdout).toMatch(/FAIL {2}slack: Slack refused SLACK_BOT_TOKEN at http:\/\/127\.0\.0\.1:\d+\/api\/auth\.test \(invalid_auth\)/);
      expect(wrong.stdout + wrong.stderr).not.toContain("xoxb-wrong-token");
    } finally {
      taken.close();
      await slack.stop();
    }
  });
});
