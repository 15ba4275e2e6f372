import { readFileSync, mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { decide, defaultPolicy, loadPolicyFile, mayConfirm, parsePolicy, unaliasService } from "../../../src/core/policy/index.js";
import type { Actor } from "../../../src/core/ports/chat.js";
import { problemsOf } from "./problems.js";

const examplePath = new URL("../../fixtures/policy/railcache.example.toml", import.meta.url);
const exampleText = readFileSync(examplePath, "utf8");
const actor = (userId: string, groups: string[] = []): Actor => ({ platform: "slack", userId, groups });

describe("the documented example policy", () => {
  it("parses into the rules it documents", () => {
    const policy = parsePolicy(exampleText);
    expect(policy.defaultEnvironment).toBe("production");
    expect(policy.confirmationTtlMs).toBe(5 * 60_000);
    expect(policy.cooldownMs).toBe(2 * 60_000);
    expect(unaliasService(policy, "api")).toBe("web");
    expect(unaliasService(policy, "API")).toBe("web");
    expect(unaliasService(policy, "web")).toBe("web");
    expect(policy.allow).toHaveLength(3);
    expect(policy.secondApprover).toEqual({ environments: ["production"], users: ["U0LEAD"], groups: ["S0OPS"] });
  });

  // Found by the fuzz test: "/railcache clear toString" reached the workflow with Object.prototype.toString as the service.
  it("takes a service named like an object's own property for the name it is, not an alias", () => {
    for (const policy of [parsePolicy(exampleText), defaultPolicy()]) {
      for (const name of ["toString", "constructor", "__proto__", "hasOwnProperty", "valueOf"]) expect(unaliasService(policy, name)).toBe(name);
    }
  });
});

describe("decide", () => {
  const policy = parsePolicy(exampleText);

  it("lets anyone clear anything with the requester's confirmation when there is no policy file", () => {
    expect(decide(defaultPolicy(), actor("U1"), "clear", "web", "production")).toEqual({ allowed: true, approval: "requester" });
    expect(decide(defaultPolicy(), actor("U1"), "audit", "web", "production")).toEqual({ allowed: true, approval: "requester" });
  });

  it("allows a developer group to clear in staging with their own confirmation", () => {
    expect(decide(policy, actor("U9", ["S0DEVELOPERS"]), "clear", "web", "staging")).toEqual({ allowed: true, approval: "requester" });
  });

  it("matches a Discord role id as a group", () => {
    const discordUser: Actor = { platform: "discord", userId: "1", groups: ["112233445566778899"] };
    expect(decide(policy, discordUser, "redeploy", "worker", "staging").allowed).toBe(true);
  });

  it("refuses a developer clearing production and says why", () => {
    const d = decide(policy, actor("U9", ["S0DEVELOPERS"]), "clear", "web", "production");
    expect(d.allowed).toBe(false);
    if (!d.allowed) expect(d.reason).toMatch(/not on the list of people who may clear `web` in production/);
  });

  it("refuses a service no rule covers in that environment", () => {
    const d = decide(policy, actor("U0LEAD"), "clear", "cron", "production");
    expect(d.allowed).toBe(false);
    if (!d.allowed) expect(d.reason).toMatch(/Nobody may clear `cron` in production/);
  });

  it("requires a second approver for production and names the approvers", () => {
    expect(decide(policy, actor("U0LEAD"), "clear", "web", "production")).toEqual({
      allowed: true,
      approval: "second_person",
      approvers: { users: ["U0LEAD"], groups: ["S0OPS"] },
    });
  });

  it("keeps permissions no rule mentions open to everyone", () => {
    expect(decide(policy, actor("U9"), "status", "web", "production").allowed).toBe(true);
    expect(decide(policy, actor("U9"), "audit", "web", "production").allowed).toBe(false);
    expect(decide(policy, actor("U9", ["S0OPS"]), "audit", "web", "production").allowed).toBe(true);
  });
});

describe("mayConfirm", () => {
  const approvers = { users: ["U0LEAD"], groups: ["S0OPS"] };

  it("accepts the requester and refuses anyone else when the requester confirms", () => {
    expect(mayConfirm("requester", undefined, actor("U1"), actor("U1"))).toEqual({ ok: true });
    expect(mayConfirm("requester", undefined, actor("U1"), actor("U2")).ok).toBe(false);
  });

  it("does not confuse the same user id on another platform with the requester", () => {
    expect(mayConfirm("requester", undefined, actor("U1"), { platform: "discord", userId: "U1", groups: [] }).ok).toBe(false);
  });

  it("never lets the requester be the second approver, even when listed", () => {
    const check = mayConfirm("second_person", approvers, actor("U0LEAD"), actor("U0LEAD", ["S0OPS"]));
    expect(check).toEqual({ ok: false, reason: expect.stringMatching(/someone other than you/) });
  });

  it("accepts a listed approver by user or group and refuses others", () => {
    expect(mayConfirm("second_person", approvers, actor("U1"), actor("U0LEAD")).ok).toBe(true);
    expect(mayConfirm("second_person", approvers, actor("U1"), actor("U7", ["S0OPS"])).ok).toBe(true);
    expect(mayConfirm("second_person", approvers, actor("U1"), actor("U7")).ok).toBe(false);
  });

  it("accepts anyone but the requester when no approvers are listed", () => {
    expect(mayConfirm("second_person", { users: [], groups: [] }, actor("U1"), actor("U7")).ok).toBe(true);
  });
});

describe("parsePolicy errors", () => {
  it("gives the line and column of a TOML syntax error", () => {
    const problems = problemsOf('default_environment = "staging"\ncooldown = [\n');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^line 3, column 1: TOML syntax error: Unterminated inline array/);
  });

  it("lists every schema problem at once, each with its line", () => {
    const text = [
      'default_environment = "staging"', // 1
      'confirmation_ttl = "5 minutes"', // 2
      "", // 3
      "[[allow]]", // 4
      'permissions = ["clear"]', // 5
      'users = ["U1"]', // 6
      "", // 7
      "[[allow]]", // 8
      'permissions = ["clean"]', // 9
      'groups = ["S1"]', // 10
      'envs = ["staging"]', // 11
      "", // 12
      "[second_approver]", // 13
      'environments = "production"', // 14
    ].join("\n");
    const problems = problemsOf(text);
    expect(problems).toHaveLength(4);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^line 2: `confirmation_ttl`: "5 minutes" is not a duration/),
        expect.stringMatching(/^line 9: `allow\[1\]\.permissions\[0\]`: /),
        expect.stringMatching(/^line 11: `allow\[1\]\.envs`: unknown key/),
        expect.stringMatching(/^line 14: `second_approver\.environments`: /),
      ]),
    );
  });

  it("refuses a rule that names nobody", () => {
    const problems = problemsOf('[[allow]]\npermissions = ["clear"]\n');
    expect(problems).toEqual([expect.stringMatching(/^line 1: `allow\[0\]`: a rule needs `users` or `groups`/)]);
  });

  it("puts the file name in the error message", () => {
    expect(() => parsePolicy("cooldown = -5", "/etc/railcache.toml")).toThrow(/\/etc\/railcache\.toml is not valid/);
  });
});

describe("durations in railcache.toml", () => {
  it("reads the shared grammar, days included, and a bare number as seconds", () => {
    expect(parsePolicy('cooldown = "1d"').cooldownMs).toBe(24 * 3_600_000);
    expect(parsePolicy('cooldown = "1h30m"').cooldownMs).toBe(5_400_000);
    expect(parsePolicy("cooldown = 300").cooldownMs).toBe(300_000);
  });

  it("refuses what is not a duration, and a day more than the cooldown allows", () => {
    expect(problemsOf('cooldown = "5 minutes"')).toEqual([
      expect.stringMatching(/"5 minutes" is not a duration: use a number and a unit \(ms, s, m, h, d, w\)/),
    ]);
    expect(problemsOf('cooldown = "2d"')).toEqual([expect.stringMatching(/must be at most 24h/)]);
    expect(problemsOf("cooldown = -1")).toEqual([expect.stringMatching(/is not a duration/)]);
  });
});

describe("loadPolicyFile", () => {
  const dir = mkdtempSync(join(tmpdir(), "railcache-policy-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("falls back to the open defaults when the default file is missing", async () => {
    expect(await loadPolicyFile(join(dir, "missing.toml"))).toEqual(defaultPolicy());
  });

  it("fails when an explicitly configured file is missing", async () => {
    await expect(loadPolicyFile(join(dir, "missing.toml"), { required: true })).rejects.toThrow(/cannot read the file: ENOENT/);
  });

  it("reads a file and records where the policy came from", async () => {
    const path = join(dir, "railcache.toml");
    writeFileSync(path, exampleText);
    const policy = await loadPolicyFile(path);
    expect(policy.source).toBe(path);
    expect(policy.allow).toHaveLength(3);
  });
});

describe("refusals", () => {
  const policy = { ...parsePolicy(exampleText, "/app/railcache.toml") };

  it("name the rule that refused and who it lets in, never the policy file's path", () => {
    const d = decide(policy, actor("U9", ["S0DEVELOPERS"]), "clear", "web", "production");
    expect(d).toMatchObject({ allowed: false, rule: '"production changes" ([[allow]] rule 2)' });
    if (d.allowed) return;
    expect(d.reason).toContain('limited to U0LEAD or members of S0OPS by "production changes" ([[allow]] rule 2)');
    expect(d.reason).not.toContain("/app/");
    const nobody = decide(policy, actor("U0LEAD"), "clear", "cron", "production");
    if (!nobody.allowed) expect(nobody.reason).not.toContain("/app/");
  });

  it("say who may approve when the requester tries to confirm, or someone not listed does", () => {
    const approvers = { users: ["U0LEAD"], groups: ["S0OPS"] };
    const self = mayConfirm("second_person", approvers, actor("U1"), actor("U1"));
    expect(self).toEqual({ ok: false, reason: expect.stringContaining("U0LEAD or members of S0OPS (not the person who asked)") });
    const stranger = mayConfirm("second_person", approvers, actor("U1"), actor("U2"));
    expect(stranger).toEqual({ ok: false, reason: expect.stringContaining("[second_approver]: U0LEAD or members of S0OPS") });
  });
});
