/**
 * The policy through the real Bolt app: Slack user groups come from usergroups.list on the fake
 * Slack, and a policy that limits questions is enforced on the slash command too (not answered
 * inside the ack for someone it does not list).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestRuntime, type TestRuntime } from "../../support/runtime.js";
import { startSlackHarness, waitFor, type SlackHarness } from "./harness.js";

const policyToml = `
[[allow]]
name = "ops"
permissions = ["ask", "audit", "clear"]
groups = ["S0OPS"]
`;

describe("Slack users, user groups and the policy", () => {
  let t: TestRuntime;
  let h: SlackHarness;
  beforeAll(async () => {
    t = await startTestRuntime({ policyToml });
    h = await startSlackHarness({
      bot: t.runtime.bot,
      mode: "http",
      userGroups: [{ id: "S0OPS", handle: "ops", users: ["U0MEMBER"] }],
      users: ["U0MEMBER", "U0STRANGER"],
    });
    t.runtime.messengers.register("slack", h.adapter.messenger);
  });
  afterAll(async () => {
    await h.stop();
    await t.close();
  });

  /** The text of the private reply to a slash command from `userId`. */
  async function privateReply(text: string, userId: string): Promise<string> {
    const replies = () => [
      ...h.slack
        .callsTo("chat.postEphemeral")
        .filter((c) => c.response.ok === true && c.args.user === userId)
        .map((c) => c.args),
      ...h.ackReplies(),
    ];
    const before = replies().length;
    await h.command({ text, userId });
    await waitFor(() => replies().length > before, `the reply to ${text}`);
    return JSON.stringify(replies().slice(before));
  }

  it("lets a member of a listed user group read the audit log, and refuses a user in no listed group, naming the rule", async () => {
    expect(await privateReply("audit", "U0MEMBER")).toMatch(/Audit log/);
    const refused = await privateReply("audit", "U0STRANGER");
    expect(refused).toMatch(/Not allowed/);
    expect(refused).toContain('members of S0OPS by \\"ops\\" ([[allow]] rule 1)');
    expect(refused).not.toContain(t.dir);
  });

  it("does not answer a question in the ack for someone a rule on `ask` leaves out", async () => {
    expect(await privateReply("ask why does my build still use the old requirements.txt", "U0STRANGER")).toMatch(/Not allowed/);
    const entries = (await t.runtime.store.listAudit()).filter((e) => e.event === "permission.refused");
    expect(entries.map((e) => e.details.request)).toEqual(expect.arrayContaining(["command:audit", "command:ask"]));
    expect(entries.every((e) => e.actor === "slack:U0STRANGER (stranger)" || e.actor?.startsWith("slack:U0STRANGER"))).toBe(true);
  });
});
