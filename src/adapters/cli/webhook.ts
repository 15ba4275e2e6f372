/**
 * `railcache webhook setup`: one command for signed deploy webhooks. Creates, or updates in
 * place (run it again any time: it never makes a second rule), a notification rule on the
 * project that sends deploy events to the bot's webhook URL with a webhook secret, then asks
 * Railway for a test delivery (webhookTest) and says what came back. Secrets are sent to Railway
 * only: the URL is printed with its secret part hidden.
 */
import type { RailwayClient } from "../../railway/client.js";
import { WEBHOOK_PATH_PREFIX } from "../../http/webhooks.js";
import { CliError } from "./io.js";

/** The deploy events railcache acts on (Railway's current webhook format). */
export const WEBHOOK_EVENT_TYPES = ["Deployment.failed", "Deployment.crashed", "Deployment.deployed"];

export interface WebhookSetupInput {
  projectId: string;
  /** The bot's public base URL, e.g. https://railcache.up.railway.app */
  publicUrl: string;
  /** RAILCACHE_WEBHOOK_SECRET: the secret path part of the URL. */
  pathSecret: string;
  /** RAILCACHE_WEBHOOK_SIGNING_SECRET: the rule's webhookSecret. */
  signingSecret: string;
}

export interface WebhookSetupResult {
  action: "created" | "updated";
  ruleId: string;
  /** Other rules that already pointed at this bot (left alone). */
  duplicates: string[];
  /** The URL with its secret replaced by `<RAILCACHE_WEBHOOK_SECRET>`. */
  shownUrl: string;
  testStatus: number;
  verdict: "delivered" | "reached_unsigned" | "wrong_path" | "unreachable" | "error";
  message: string;
}

export function webhookUrl(publicUrl: string, pathSecret: string): string {
  return `${publicUrl.replace(/\/+$/, "")}${WEBHOOK_PATH_PREFIX}${encodeURIComponent(pathSecret)}`;
}

export async function setupWebhookRule(client: RailwayClient, input: WebhookSetupInput): Promise<WebhookSetupResult> {
  const base = input.publicUrl.replace(/\/+$/, "");
  const url = webhookUrl(base, input.pathSecret);
  const shownUrl = `${base}${WEBHOOK_PATH_PREFIX}<RAILCACHE_WEBHOOK_SECRET>`;
  const workspaceId = await client.projectWorkspace(input.projectId);
  if (!workspaceId)
    throw new CliError(
      "Railway did not say which workspace the project belongs to; notification rules need it. Use an account or workspace token (RAILWAY_API_TOKEN).",
    );

  const mine = (await client.notificationRules(workspaceId, input.projectId)).filter((r) =>
    r.webhookUrls.some((u) => u.startsWith(`${base}${WEBHOOK_PATH_PREFIX}`)),
  );
  const rule = { eventTypes: WEBHOOK_EVENT_TYPES, url, secret: input.signingSecret };
  const [existing, ...duplicates] = mine;
  const saved = existing
    ? await client.updateWebhookRule(existing.id, rule)
    : await client.createWebhookRule({ workspaceId, projectId: input.projectId, ...rule });

  const payload = JSON.stringify({
    type: "Railcache.test",
    severity: "INFO",
    timestamp: new Date().toISOString(),
    resource: { project: { id: input.projectId } },
    details: { note: "railcache webhook setup: test delivery" },
  });
  const testStatus = await client.webhookTest(url, payload);
  const { verdict, message } = judge(testStatus);
  return { action: existing ? "updated" : "created", ruleId: saved.id, duplicates: duplicates.map((d) => d.id), shownUrl, testStatus, verdict, message };
}

function judge(status: number): Pick<WebhookSetupResult, "verdict" | "message"> {
  if (status >= 200 && status < 300) return { verdict: "delivered", message: `Railway's test delivery reached railcache (HTTP ${status}).` };
  if (status === 401) {
    return {
      verdict: "reached_unsigned",
      message:
        "Railway's test delivery reached railcache with the right URL secret, and was refused (HTTP 401) for its signature: webhookTest may send no signature, while the rule's real deliveries are signed. " +
        'If real deploy events are refused too (railcache_webhooks_rejected_total{reason="signature_invalid"}), the bot\'s RAILCACHE_WEBHOOK_SIGNING_SECRET differs from the one used here.',
    };
  }
  if (status === 404)
    return {
      verdict: "wrong_path",
      message:
        "Railway's test delivery reached the host, but it answered 404: is the bot running with the same RAILCACHE_WEBHOOK_SECRET, and is the public URL right?",
    };
  if (status === 0) return { verdict: "unreachable", message: "Railway could not deliver to that URL: is the bot deployed and public at that address?" };
  return { verdict: "error", message: `Railway's test delivery got HTTP ${status} back: see the bot's logs (event webhook.rejected or webhook.failed).` };
}

export function formatWebhookSetup(result: WebhookSetupResult): string {
  return [
    `Notification rule ${result.ruleId} ${result.action}: ${WEBHOOK_EVENT_TYPES.join(", ")} -> ${result.shownUrl}, signed with RAILCACHE_WEBHOOK_SIGNING_SECRET.`,
    ...(result.duplicates.length
      ? [`Other rules also point at this bot (left alone; delete them in Railway if they duplicate this one): ${result.duplicates.join(", ")}.`]
      : []),
    result.message,
  ].join("\n");
}
