/**
 * The policy deploys where there is no file to mount: RAILCACHE_POLICY holds its TOML text,
 * validated exactly like the file. `railcache config check` and `doctor` say what the running
 * bot would do with it; without any policy both say plainly that anyone may clear production.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { startTestRuntime } from "./support/runtime.js";

const root = path.resolve(import.meta.dirname, "..");
const dir = mkdtempSync(path.join(tmpdir(), "railcache-policy-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const auditForOps = '# who may read the audit log\n[[allow]]\nname = "audit readers"\npermissions = ["audit"]\nusers = ["U0OPS"]\n';
const broken = '# a comment\ndefault_environment = "production"\n[[allow]]\npermissions = ["audit", "delete"]\nusers = ["U0OPS"]\n';

function railcache(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "src/cli.ts", ...args],
      {
        cwd: root,
        env: { PATH: process.env.PATH ?? "", HOME: dir, RAILCACHE_DB: path.join(dir, "cli.db"), RAILCACHE_CONFIG: path.join(dir, "none.toml"), ...env },
        timeout: 60_000,
      },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("RAILCACHE_POLICY", () => {
  it("is read instead of a file and refused together with RAILCACHE_CONFIG", () => {
    expect(loadConfig({ RAILCACHE_POLICY: auditForOps }).policyText).toBe(auditForOps);
    expect(() => loadConfig({ RAILCACHE_POLICY: auditForOps, RAILCACHE_CONFIG: "x.toml" })).toThrow(/RAILCACHE_POLICY and RAILCACHE_CONFIG are both set/);
  });

  it("is the policy the bot runs with: a person it does not list cannot read the audit log", async () => {
    const t = await startTestRuntime({ env: { RAILCACHE_POLICY: auditForOps } });
    try {
      expect(t.runtime.policy.source).toBe("RAILCACHE_POLICY");
      const ctx = (userId: string) => ({ actor: { platform: "slack" as const, userId, groups: [] }, target: { platform: "slack" as const, channelId: "C0" } });
      const refused = await t.runtime.bot.command("audit", ctx("U0ALICE"));
      expect(refused.title).toBe("Not allowed");
      expect(refused.body).toContain('"audit readers" ([[allow]] rule 1)');
      expect(refused.body).not.toContain("RAILCACHE_POLICY");
      expect((await t.runtime.bot.command("audit", ctx("U0OPS"))).title).toMatch(/Audit log/);
      // A variable cannot change under a running process: a reload says so and changes nothing.
      expect(await t.runtime.reloadPolicy()).toEqual({ outcome: "fixed", source: "RAILCACHE_POLICY" });
    } finally {
      await t.close();
    }
  });

  it("is validated like the file by config check, with line numbers, and says the bot would not start with it", async () => {
    const ok = await railcache(["config", "check"], { RAILCACHE_POLICY: auditForOps, RAILCACHE_CONFIG: "" });
    expect(ok.stdout).toMatch(/Policy: RAILCACHE_POLICY is valid \(1 allow rule\)/);
    expect(ok.code).toBe(0);
    const bad = await railcache(["config", "check"], { RAILCACHE_POLICY: broken, RAILCACHE_CONFIG: "" });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Configuration is not valid/);
    expect(bad.stderr).toMatch(/RAILCACHE_POLICY line 4: `allow\[0\]\.permissions\[1\]`/);
    expect(bad.stderr).toMatch(/would refuse to start/);
  });
});

describe("railcache config check on a policy file", () => {
  it("says whether a running bot would accept the file on SIGHUP", async () => {
    const file = path.join(dir, "railcache.toml");
    writeFileSync(file, auditForOps);
    const ok = await railcache(["config", "check"], { RAILCACHE_CONFIG: file });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/railcache\.toml is valid \(1 allow rule\); a running railcache accepts it on SIGHUP/);
    writeFileSync(file, broken);
    const bad = await railcache(["config", "check"], { RAILCACHE_CONFIG: file });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/line 4:/);
    expect(bad.stderr).toMatch(/A running railcache would refuse this file on SIGHUP and keep the policy in force/);
  });

  it("warns plainly, as doctor does, that with no policy anyone may clear production", async () => {
    const check = await railcache(["config", "check"], { RAILCACHE_CONFIG: "" });
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/Warning: no policy .* anyone in the workspace may clear .* production included/);
    const doctor = await railcache(["doctor", "--demo"], { RAILCACHE_CONFIG: "" });
    expect(doctor.stdout).toMatch(/\[warn\] policy: no policy .* anyone in the workspace may clear/);
  });
});

describe("reloading a policy file", () => {
  it("puts a valid file in force for the next request, refuses a broken or vanished one and keeps the policy in force", async () => {
    const t = await startTestRuntime({ policyToml: auditForOps });
    const ctx = { actor: { platform: "slack" as const, userId: "U0ALICE", groups: [] }, target: { platform: "slack" as const, channelId: "C0" } };
    const file = t.runtime.policy.source;
    try {
      expect((await t.runtime.bot.command("audit", ctx)).title).toBe("Not allowed");
      writeFileSync(file, auditForOps.replace('"U0OPS"', '"U0OPS", "U0ALICE"'));
      expect(await t.runtime.reloadPolicy()).toMatchObject({ outcome: "reloaded", rules: 1 });
      expect((await t.runtime.bot.command("audit", ctx)).title).toMatch(/Audit log/);

      writeFileSync(file, broken);
      const rejected = await t.runtime.reloadPolicy();
      expect(rejected).toMatchObject({ outcome: "rejected", problems: [expect.stringMatching(/^line 4:/)] });
      expect((await t.runtime.bot.command("audit", ctx)).title).toMatch(/Audit log/);

      unlinkSync(file);
      expect(await t.runtime.reloadPolicy()).toMatchObject({ outcome: "rejected" });
      expect(t.runtime.policy.allow).toHaveLength(1);
    } finally {
      await t.close();
    }
  });
});
