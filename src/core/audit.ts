/**
 * The audit log: one entry per workflow step (who asked, who confirmed or declined, Railway ids,
 * outcome). Entries hold ids and names only, never a token or variable value. `railcache audit`
 * and `/railcache audit` read it through `listAuditEntries` and render it with `auditText` /
 * `auditReply`.
 */
import { redactConnectionSecrets } from "../redact.js";
import type { AuditEntry, JsonObject, Store } from "./ports/store.js";
import type { Actor } from "./ports/chat.js";
import type { Reply } from "./reply.js";

/** `slack:U123 (Dana)`: how a person is named in the audit log. */
export function auditActor(actor: Pick<Actor, "platform" | "userId" | "displayName">): string {
  return `${actor.platform}:${actor.userId}${actor.displayName ? ` (${actor.displayName})` : ""}`;
}

/** The bot itself, for steps nobody clicked. */
export const BOT_ACTOR = "railcache";

export interface AuditInput {
  event: string;
  workflowId?: string | null;
  actor?: string | null;
  service?: string | null;
  environment?: string | null;
  details?: JsonObject;
}

export async function recordAudit(store: Store, at: number, input: AuditInput): Promise<void> {
  await store.appendAudit({
    at,
    event: input.event,
    workflowId: input.workflowId ?? null,
    actor: input.actor ?? null,
    service: input.service ?? null,
    environment: input.environment ?? null,
    details: withoutPasswords(input.details ?? {}),
  });
}

/** Details carry error texts (a failed restore, say), and a driver's error may quote a connection string. */
function withoutPasswords(details: JsonObject): JsonObject {
  const text = JSON.stringify(details);
  const clean = redactConnectionSecrets(text);
  return clean === text ? details : (JSON.parse(clean) as JsonObject);
}

export async function listAuditEntries(store: Store, options: { since: number; workflowId?: string; service?: string; limit?: number }): Promise<AuditEntry[]> {
  return store.listAudit({ since: options.since, workflowId: options.workflowId, service: options.service, limit: options.limit ?? 500 });
}

function line(entry: AuditEntry): string {
  const when = new Date(entry.at).toISOString().replace(".000Z", "Z");
  const where = entry.service ? ` ${entry.service}${entry.environment ? `/${entry.environment}` : ""}` : "";
  const details = Object.entries(entry.details)
    .filter(([, v]) => v !== null && v !== "")
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
  return `${when} ${entry.event}${where}${entry.actor ? ` by ${entry.actor}` : ""}${entry.workflowId ? ` [${entry.workflowId.slice(0, 8)}]` : ""}${details ? ` ${details}` : ""}`;
}

/** One line per entry, oldest first, for the terminal. */
export function auditText(entries: AuditEntry[]): string {
  return entries.length ? entries.map(line).join("\n") : "No audit entries in that period.";
}

/** The audit log as a chat reply (the newest 40 lines; the CLI shows everything). */
export function auditReply(entries: AuditEntry[], sinceLabel: string): Reply {
  const shown = entries.slice(-40);
  return {
    title: `Audit log: last ${sinceLabel}`,
    body: entries.length
      ? `${entries.length} entr${entries.length === 1 ? "y" : "ies"}${shown.length < entries.length ? ` (newest ${shown.length} shown; \`railcache audit --json\` has all)` : ""}.`
      : "Nothing happened in that period.",
    code: shown.length ? [{ text: shown.map(line).join("\n") }] : undefined,
    tone: "info",
    private: true,
  };
}
