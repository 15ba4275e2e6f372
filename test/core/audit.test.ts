import { renderEmbed } from "../../src/adapters/discord/render.js";
import { renderBlocks } from "../../src/adapters/slack/render.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditActor, auditReply, auditText, listAuditEntries, recordAudit } from "../../src/core/audit.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type { Store } from "../../src/core/ports/store.js";

let store: Store;
beforeEach(() => {
  store = openSqliteStore({ path: ":memory:" });
});
afterEach(async () => {
  await store.close();
});

describe("audit log", () => {
  it("names people by platform, id and display name", () => {
    expect(auditActor({ platform: "discord", userId: "123", displayName: "Dana" })).toBe("discord:123 (Dana)");
    expect(auditActor({ platform: "cli", userId: "ops" })).toBe("cli:ops");
  });

  it("prints one line per entry with time, event, service, actor and details", async () => {
    const at = Date.parse("2026-11-25T10:00:00Z");
    await recordAudit(store, at, {
      event: "workflow.confirm",
      workflowId: "0123456789",
      actor: "slack:U1 (Alice)",
      service: "web",
      environment: "production",
      details: { newDeploymentId: "d-1" },
    });
    await recordAudit(store, at - 86_400_000 * 8, { event: "workflow.ask", details: {} });
    const entries = await listAuditEntries(store, { since: at - 86_400_000 });
    expect(auditText(entries)).toBe("2026-11-25T10:00:00Z workflow.confirm web/production by slack:U1 (Alice) [01234567] newDeploymentId=d-1");
    expect(auditText([])).toBe("No audit entries in that period.");
  });

  it("renders a private chat reply that cannot ping anyone", async () => {
    await recordAudit(store, 1, { event: "workflow.ask", actor: "slack:U1 (<!here>)", service: "web" });
    const reply = auditReply(await listAuditEntries(store, { since: 0 }), "7d");
    expect(reply.private).toBe(true);
    expect(reply.title).toBe("Audit log: last 7d");
    for (const rendered of [JSON.stringify(renderBlocks(reply)), JSON.stringify(renderEmbed(reply))]) expect(rendered).not.toContain("<!here>");
  });
});

describe("audit entries and database passwords", () => {
  it("never store a password a detail quotes from a connection string", async () => {
    await recordAudit(store, 1, {
      event: "workflow.restore_failed",
      details: { error: "connect ECONNREFUSED host=db password=Hunter2Hunter2 port=5432", url: "postgres://app:Hunter2Hunter2@db/app" },
    });
    const [entry] = await store.listAudit();
    expect(JSON.stringify(entry)).not.toContain("Hunter2Hunter2");
    expect(entry?.details.url).toBe("postgres://app:[redacted]@db/app");
  });
});
