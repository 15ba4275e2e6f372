/**
 * Webhook deliveries from the simulator, as a notification rule sends them: a POST of the JSON
 * payload, signed with `x-webhook-signature` (hex HMAC-SHA256 of the raw body under the rule's
 * webhookSecret) when the rule has one. Only local URLs are contacted: tests run offline.
 */
import { createHmac } from "node:crypto";
import type { SimDeployment, World } from "./world.js";

/** The HTTP status the receiver answered, or 0 when it could not be reached. */
export async function deliverWebhook(url: string, payload: string, secret: string | null): Promise<number> {
  const target = new URL(url);
  if (!["127.0.0.1", "localhost", "[::1]"].includes(target.hostname)) return 0;
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (secret) headers["x-webhook-signature"] = createHmac("sha256", secret).update(payload, "utf8").digest("hex");
  try {
    const response = await fetch(url, { method: "POST", headers, body: payload, signal: AbortSignal.timeout(5_000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

/** The current-format payload Railway sends for a deployment event (`Deployment.failed`, ...). */
export function deploymentEventPayload(world: World, deployment: SimDeployment, event: string): string {
  const project = world.projects.get(deployment.projectId);
  const environment = world.environments.get(deployment.environmentId);
  const service = world.services.get(deployment.serviceId);
  return JSON.stringify({
    type: `Deployment.${event}`,
    severity: event === "failed" || event === "crashed" ? "CRITICAL" : "INFO",
    timestamp: new Date(world.now).toISOString(),
    resource: {
      workspace: { id: "ws-simulated", name: "Simulated workspace" },
      project: { id: deployment.projectId, name: project?.name ?? "" },
      environment: { id: deployment.environmentId, name: environment?.name ?? "" },
      service: { id: deployment.serviceId, name: service?.name ?? "" },
      deployment: { id: deployment.id },
    },
    details: { id: deployment.id, status: deployment.status, ...deployment.meta },
  });
}

/** Sends `event` about `deployment` through every matching rule; the statuses the receivers answered. */
export async function notifyRules(world: World, deployment: SimDeployment, event: string): Promise<number[]> {
  const payload = deploymentEventPayload(world, deployment, event);
  const rules = world.notificationRules.filter((r) => (!r.projectId || r.projectId === deployment.projectId) && r.eventTypes.includes(`Deployment.${event}`));
  return Promise.all(rules.flatMap((r) => r.channels.map((c) => deliverWebhook(c.webhookUrl, payload, c.webhookSecret))));
}
