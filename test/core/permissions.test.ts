/**
 * The permission matrix: every command and every button kind, for an allowed actor (a Slack
 * user listed by id, a member of a listed Slack user group, a member of a listed Discord role),
 * an actor no rule lists, the wrong environment, and a second approver required with the
 * requester trying to confirm. Real BotCore over the real runtime (SQLite, Railway simulator).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../../src/core/commands.js";
import { actionPermissions, commandPermission } from "../../src/core/permissions.js";
import { permissionNames } from "../../src/core/policy/load.js";
import type { Actor } from "../../src/core/ports/chat.js";
import type { ActionKind, Reply } from "../../src/core/reply.js";
import type { AuditEntry } from "../../src/core/ports/store.js";
import { startTestRuntime, type TestRuntime } from "../support/runtime.js";

const OPS_GROUP = "S0OPS";
const DISCORD_ROLE = "223344556677889900";

const policyToml = `
default_environment = "production"
cooldown = "0s"

[[allow]]
name = "production changes"
permissions = ["clear", "redeploy", "mute"]
users = ["U0ALLOWED", "U0LEAD"]
groups = ["${OPS_GROUP}", "${DISCORD_ROLE}"]
environments = ["production"]

[[allow]]
name = "staging changes"
permissions = ["clear", "redeploy", "mute"]
users = ["U0STAGING"]
environments = ["staging"]

[[allow]]
name = "readers"
permissions = ["ask", "status", "audit"]
users = ["U0ALLOWED", "U0LEAD", "U0STAGING"]
groups = ["${OPS_GROUP}", "${DISCORD_ROLE}"]
environments = ["production"]

[second_approver]
environments = ["production"]
users = ["U0ALLOWED", "U0LEAD"]
groups = ["${OPS_GROUP}", "${DISCORD_ROLE}"]
`;

const slack = (userId: string, groups: string[] = []): Actor => ({ platform: "slack", userId, groups });
/** The three ways a policy lets someone in. */
const allowedActors: Record<string, Actor> = {
  "a Slack user listed by id": slack("U0ALLOWED"),
  "a member of a listed Slack user group": slack("U0MEMBER", [OPS_GROUP]),
  "a member of a listed Discord role": { platform: "discord", userId: "300000000000000001", groups: [DISCORD_ROLE, "999"] },
};
const strangers: Record<string, Actor> = {
  "a Slack user no rule lists": slack("U0STRANGER", ["S0OTHER"]),
  "a Discord member without a listed role": { platform: "discord", userId: "300000000000000002", groups: ["999"] },
};
const lead = slack("U0LEAD");
const stagingRequester = slack("U0STAGING");

const refusalTitles = ["Not allowed", "Not yours to confirm", "Not yours to cancel"];

let t: TestRuntime;
let ids: Record<string, string>;

beforeAll(async () => {
  t = await startTestRuntime({ policyToml, watch: { routing: { default: { platform: "slack", channelId: "C0WARN" } } } });
  const status = await t.runtime.railway!.api.projectStatus(t.runtime.railway!.projectId);
  ids = Object.fromEntries(status.instances.map((i) => [`${i.serviceName}@${i.environmentName}`, `${i.serviceId}@${i.environmentId}`]));
});
afterAll(async () => {
  await t.runtime.workflows?.idle();
  await t.close();
});

const ctx = (actor: Actor) => ({ actor, target: { platform: actor.platform, channelId: "C0GENERAL" } });
const bot = () => t.runtime.bot;
const refusals = async (): Promise<AuditEntry[]> => (await t.runtime.store.listAudit()).filter((e) => e.event === "permission.refused");

const started: string[] = [];

/** A pending clear of web (production unless told) asked by `requester`; its workflow id. */
async function pendingClear(requester: Actor, env = "production"): Promise<string> {
  const reply = await bot().command(`clear web ${env}`, ctx(requester));
  if (!reply.workflowId) throw new Error(`no prompt: ${reply.title}: ${reply.body}`);
  started.push(reply.workflowId);
  return reply.workflowId;
}

/** Leaves no prompt or run behind (and lets the cooldown pass), so the next case can ask again. */
async function settle(reply: { workflowId?: string }): Promise<void> {
  const engine = t.runtime.workflows!;
  for (const id of [...started.splice(0), ...(reply.workflowId ? [reply.workflowId] : [])]) {
    const wf = await engine.get(id);
    if (wf?.state === "awaiting_confirmation")
      await engine.cancel({ workflowId: id }, { platform: wf.data.requester.platform, userId: wf.data.requester.userId, groups: [] });
    await engine.settled(id);
  }
  // The store times cooldowns by the wall clock and the engine by the simulator's: end them here.
  for (const key of Object.values(ids)) {
    const [serviceId, environmentId] = key.split("@");
    await t.runtime.store.setCooldown(`${t.runtime.railway!.projectId}:${environmentId}:${serviceId}`, 0);
  }
}

type Run = (actor: Actor, env: "production" | "staging") => Promise<Reply & { workflowId?: string }>;

interface Row {
  run: Run;
  /** Acts on one environment; false: help, questions and the audit log have none to get wrong. */
  scoped: boolean;
  /** Starts a clear or redeploy: the prompt must name the approvers, and self-confirmation is refused. */
  startsWorkflow?: boolean;
}

const commandRows: Record<string, Row> = {
  ask: { scoped: false, run: (a) => bot().command("ask why does my deploy still run old code", ctx(a)) },
  help: { scoped: false, run: (a) => bot().command("help", ctx(a)) },
  status: { scoped: true, run: (a, env) => bot().command(`status web ${env}`, ctx(a)) },
  setup: { scoped: true, run: (a, env) => bot().command(`setup web ${env}`, ctx(a)) },
  clear: { scoped: true, startsWorkflow: true, run: (a, env) => bot().command(`clear web ${env}`, ctx(a)) },
  redeploy: { scoped: true, startsWorkflow: true, run: (a, env) => bot().command(`redeploy worker ${env}`, ctx(a)) },
  cancel: { scoped: false, run: (a) => bot().command("cancel", ctx(a)) },
  audit: { scoped: false, run: (a) => bot().command("audit 1d", ctx(a)) },
  unanswered: { scoped: false, run: (a) => bot().command("unanswered 7d", ctx(a)) },
};

const buttonRows: Record<ActionKind, Row> = {
  clear: { scoped: true, startsWorkflow: true, run: (a, env) => bot().action("clear", `web@${env}`, ctx(a)) },
  redeploy: { scoped: true, startsWorkflow: true, run: (a, env) => bot().action("redeploy", `worker@${env}`, ctx(a)) },
  // Approvers confirm someone else's production clear; in staging only the requester may.
  confirm: {
    scoped: true,
    run: async (a, env) => bot().action("confirm", await pendingClear(env === "production" ? lead : stagingRequester, env), ctx(a)),
  },
  cancel: {
    scoped: true,
    run: async (a, env) => bot().action("cancel", await pendingClear(env === "production" ? lead : stagingRequester, env), ctx(a)),
  },
  see_more: { scoped: false, run: (a) => bot().action("see_more", "symptoms", ctx(a)) },
  show_answer: { scoped: false, run: (a) => bot().action("show_answer", "fix-dashboard", ctx(a)) },
  link: { scoped: false, run: (a) => bot().action("link", "https://railway.com/dashboard", ctx(a)) },
  mute: { scoped: true, run: (a, env) => bot().action("mute", ids[`web@${env}`] as string, ctx(a)) },
  unmute: { scoped: true, run: (a, env) => bot().action("unmute", ids[`web@${env}`] as string, ctx(a)) },
  remove_no_cache: { scoped: true, run: (a, env) => bot().action("remove_no_cache", ids[`web@${env}`] as string, ctx(a)) },
};

const rows = [
  ...Object.entries(commandRows).map(([name, row]) => ({ name: `/railcache ${name}`, ...row })),
  ...Object.entries(buttonRows).map(([name, row]) => ({ name: `the ${name} button`, ...row })),
];

describe("the permission table", () => {
  it("gives every command a permission a policy rule can name", () => {
    for (const command of commands) {
      expect(permissionNames, command.name).toContain(commandPermission(command.name));
    }
  });

  it("gives every button kind a permission (or its workflow's), and the matrix covers every command and button", () => {
    for (const [kind, permission] of Object.entries(actionPermissions)) {
      expect([...permissionNames, "workflow"], kind).toContain(permission);
    }
    expect(Object.keys(commandRows).sort()).toEqual(commands.map((c) => c.name).sort());
    expect(Object.keys(buttonRows).sort()).toEqual(Object.keys(actionPermissions).sort());
  });
});

describe.each(rows)("$name", (row) => {
  it.each(Object.entries(allowedActors))("is allowed for %s", async (_who, actor) => {
    const before = (await refusals()).length;
    const reply = await row.run(actor, "production");
    expect(refusalTitles, `${reply.title}: ${reply.body}`).not.toContain(reply.title);
    expect((await refusals()).length).toBe(before);
    await settle(reply);
  });

  it.each(Object.entries(strangers))("is refused for %s, naming the rule, and audited", async (_who, actor) => {
    const before = (await refusals()).length;
    const reply = await row.run(actor, "production");
    expect(refusalTitles).toContain(reply.title);
    expect(reply.private).toBe(true);
    expect(reply.body).toMatch(/rule \d|second_approver|person who asked/);
    expect(reply.body).not.toContain(t.dir);
    expect(reply.body).not.toMatch(/railcache\.toml|\/tmp\//);
    const added = (await refusals()).slice(before);
    expect(added).toHaveLength(1);
    expect(added[0]?.actor).toContain(`${actor.platform}:${actor.userId}`);
    expect(added[0]?.details).toMatchObject({ request: expect.stringMatching(/^(command|button):/), rule: expect.any(String) });
    await settle(reply);
  });

  it.runIf(row.scoped)("is refused in an environment the actor's rule does not cover", async () => {
    const actor = allowedActors["a Slack user listed by id"] as Actor;
    const before = (await refusals()).length;
    const reply = await row.run(actor, "staging");
    expect(refusalTitles, reply.body).toContain(reply.title);
    expect(reply.body).not.toContain(t.dir);
    const [entry] = (await refusals()).slice(before);
    expect(entry?.details.rule).toBeTruthy();
    if (entry?.environment) expect(entry.environment).toBe("staging");
    await settle(reply);
  });

  it.runIf(row.startsWorkflow)("names who may approve where a second person must, and refuses the requester's own confirmation", async () => {
    const prompt = await row.run(lead, "production");
    expect(prompt.workflowId, prompt.body).toBeTruthy();
    expect(prompt.body).toContain("A second person must confirm: U0ALLOWED, U0LEAD or members of S0OPS, 223344556677889900 (not the person who asked)");
    const before = (await refusals()).length;
    const self = await bot().action("confirm", prompt.workflowId as string, ctx(lead));
    expect(self.title).toBe("Not yours to confirm");
    expect(self.body).toMatch(/second person.*U0ALLOWED, U0LEAD or members of S0OPS/);
    const [entry] = (await refusals()).slice(before);
    expect(entry).toMatchObject({ actor: "slack:U0LEAD", details: { request: "button:confirm", rule: "second_approver" } });
    expect((await t.runtime.workflows!.get(prompt.workflowId as string))?.state).toBe("awaiting_confirmation");
    await settle(prompt);
  });
});

describe("confirmation by an approver", () => {
  it("refuses the requester's own confirmation of a button-started clear too, and lets an approver from a Discord role confirm", async () => {
    const id = await pendingClear(lead);
    expect((await bot().action("confirm", id, ctx(lead))).title).toBe("Not yours to confirm");
    const confirmed = await bot().action("confirm", id, ctx(allowedActors["a member of a listed Discord role"] as Actor));
    expect(refusalTitles).not.toContain(confirmed.title);
    const wf = await t.runtime.workflows!.settled(id);
    expect(wf?.data.confirmedBy?.userId).toBe("300000000000000001");
  });
});

describe("status", () => {
  it("shows a reader only the environments their rule covers", async () => {
    const reply = await bot().command("status", ctx(allowedActors["a Slack user listed by id"] as Actor));
    const shown = (reply.fields ?? []).map((f) => f.name);
    expect(shown.length).toBeGreaterThan(0);
    expect(
      shown.every((name) => name.endsWith("· production")),
      shown.join(", "),
    ).toBe(true);
  });
});

describe("the audit log", () => {
  it("shows a reader only the entries of environments their rule covers", async () => {
    for (const environment of ["staging", "production"]) {
      await t.runtime.store.appendAudit({
        at: t.sim.clock.now() + 60_000,
        event: `test.${environment}_entry`,
        workflowId: null,
        actor: null,
        service: "web",
        environment,
        details: {},
      });
    }
    const reply = await bot().command("audit 1d", ctx(allowedActors["a Slack user listed by id"] as Actor));
    const text = reply.code?.map((c) => c.text).join("\n") ?? "";
    expect(text).toContain("test.production_entry");
    expect(text).not.toContain("test.staging_entry");
  });

  it("records Remove NO_CACHE, mute and unmute with who did it, and never a variable value", async () => {
    const actor = allowedActors["a member of a listed Slack user group"] as Actor;
    await bot().action("mute", ids["worker@production"] as string, ctx(actor));
    await bot().action("unmute", ids["worker@production"] as string, ctx(actor));
    await bot().action("remove_no_cache", ids["worker@production"] as string, ctx(actor));
    const entries = (await t.runtime.store.listAudit()).filter((e) => e.service === "worker" && e.actor?.startsWith("slack:U0MEMBER"));
    expect(entries.map((e) => e.event)).toEqual(expect.arrayContaining(["watcher.muted", "watcher.unmuted", "watcher.no_cache_removed"]));
    for (const entry of entries) expect(entry.environment).toBe("production");
  });
});
