/**
 * Railway webhooks: `POST /webhooks/railway/<secret>`. Railway does not sign webhooks, so the
 * long secret in the path is the only guard: a wrong one gets a plain 404, compared in constant
 * time and never logged. The body is size-limited, validated with zod, and then only a hint: the
 * watcher re-fetches the deployment from Railway's API before anyone is warned.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { DeploymentHint, HintOutcome } from "../core/watcher/watcher.js";
import type { Logger } from "../log.js";
import { methodNotAllowed, pathOf, readBody, send } from "./plumbing.js";
import { checkSignature, SIGNATURE_HEADER } from "./webhook-signature.js";
import { deploymentStatuses, type DeploymentStatus } from "../core/ports/railway.js";

export const WEBHOOK_PATH_PREFIX = "/webhooks/railway/";

/** What the handler hands hints to (the Watcher). */
export interface HintSink {
  acceptHint(hint: DeploymentHint): Promise<HintOutcome>;
}

export interface WebhookHandlerOptions {
  secret: string;
  /** The notification rule's webhookSecret: when set, every delivery must carry a valid x-webhook-signature (401 otherwise). */
  signingSecret?: string;
  /** Called with the reason of every rejected delivery (metrics). */
  onRejected?: (reason: string) => void;
  watcher: HintSink;
  log: Logger;
  /** Largest body accepted (default 64 KiB; Railway's payloads are about 1 KiB). */
  maxBytes?: number;
}

export type WebhookHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

const ref = z.looseObject({ id: z.string().min(1), name: z.string().optional() });

/** Current format: `type: "Deployment.failed"`, ids under `resource`. */
const currentPayload = z.looseObject({
  type: z.string().regex(/^[A-Za-z]+\.[A-Za-z_]+$/, 'should look like "Deployment.failed"'),
  resource: z.looseObject({
    workspace: ref.optional(),
    project: ref,
    environment: ref.optional(),
    service: ref.optional(),
    deployment: z.looseObject({ id: z.string().min(1) }).optional(),
  }),
  details: z.record(z.string(), z.unknown()).optional(),
  severity: z.string().optional(),
  timestamp: z.string().optional(),
});

/** Older format: `type: "DEPLOY"` with a `status`, ids at the top level. */
const legacyPayload = z.looseObject({
  type: z.literal("DEPLOY"),
  status: z.string().optional(),
  project: ref,
  environment: ref.optional(),
  service: ref.optional(),
  deployment: z.looseObject({ id: z.string().min(1) }),
  timestamp: z.string().optional(),
});

/** Event suffixes of the current format, as deployment statuses. */
const eventStatus: Record<string, DeploymentStatus> = {
  queued: "QUEUED",
  waiting: "WAITING",
  initializing: "INITIALIZING",
  building: "BUILDING",
  deploying: "DEPLOYING",
  deployed: "SUCCESS",
  success: "SUCCESS",
  succeeded: "SUCCESS",
  failed: "FAILED",
  crashed: "CRASHED",
  skipped: "SKIPPED",
  removing: "REMOVING",
  removed: "REMOVED",
  slept: "SLEEPING",
  sleeping: "SLEEPING",
  needs_approval: "NEEDS_APPROVAL",
  needsapproval: "NEEDS_APPROVAL",
};

const knownStatus = (value: unknown): DeploymentStatus | null =>
  typeof value === "string" && (deploymentStatuses as readonly string[]).includes(value.toUpperCase()) ? (value.toUpperCase() as DeploymentStatus) : null;

export type ParsedWebhook = { kind: "deployment"; hint: DeploymentHint; type: string } | { kind: "other"; type: string } | { kind: "invalid"; message: string };

/** Reads either Railway payload format into a hint; `other` for events that are not about a deployment. */
export function parseWebhookPayload(body: unknown): ParsedWebhook {
  const type = typeof body === "object" && body !== null && "type" in body ? (body as { type: unknown }).type : undefined;
  if (type === "DEPLOY") {
    const parsed = legacyPayload.safeParse(body);
    if (!parsed.success) return { kind: "invalid", message: describeIssues(parsed.error) };
    const p = parsed.data;
    return {
      kind: "deployment",
      type,
      hint: compact({
        deploymentId: p.deployment.id,
        status: knownStatus(p.status),
        projectId: p.project.id,
        serviceId: p.service?.id,
        serviceName: p.service?.name,
        environmentId: p.environment?.id,
        environmentName: p.environment?.name,
      }),
    };
  }
  const parsed = currentPayload.safeParse(body);
  if (!parsed.success) return { kind: "invalid", message: describeIssues(parsed.error) };
  const p = parsed.data;
  const [family, event = ""] = p.type.split(".");
  if (family?.toLowerCase() !== "deployment") return { kind: "other", type: p.type };
  if (!p.resource.deployment) return { kind: "invalid", message: "resource.deployment.id is missing" };
  return {
    kind: "deployment",
    type: p.type,
    hint: compact({
      deploymentId: p.resource.deployment.id,
      status: eventStatus[event.toLowerCase()] ?? knownStatus(p.details?.status),
      projectId: p.resource.project.id,
      serviceId: p.resource.service?.id,
      serviceName: p.resource.service?.name,
      environmentId: p.resource.environment?.id,
      environmentName: p.resource.environment?.name,
    }),
  };
}

/** A node:http handler for Railway's webhook deliveries; answers 404 to any other path. */
export function createWebhookHandler(options: WebhookHandlerOptions): WebhookHandler {
  const maxBytes = options.maxBytes ?? 64 * 1024;
  const expected = digest(options.secret);
  const { log, watcher } = options;
  const rejected = options.onRejected ?? (() => {});

  return async (req, res) => {
    const path = pathOf(req.url);
    if (!path.startsWith(WEBHOOK_PATH_PREFIX) || !secretMatches(path.slice(WEBHOOK_PATH_PREFIX.length), expected)) {
      // The URL may hold a guessed or leaked secret: log neither.
      log.warn({ event: "webhook.rejected", reason: "not_found", method: req.method }, "webhook with an unknown path or secret");
      rejected("not_found");
      return send(res, 404, { error: "Not Found" });
    }
    if (req.method !== "POST") return methodNotAllowed(res, ["POST"], { error: "Only POST is accepted" });

    const declared = Number(req.headers["content-length"] ?? "0");
    if (declared > maxBytes) {
      log.warn({ event: "webhook.rejected", reason: "too_large", bytes: declared }, "webhook body too large");
      rejected("too_large");
      return send(res, 413, { error: `Body larger than ${maxBytes} bytes` }, { Connection: "close" });
    }
    const raw = await readBody(req, maxBytes);
    if (raw === null) {
      log.warn({ event: "webhook.rejected", reason: "too_large" }, "webhook body too large");
      rejected("too_large");
      return send(res, 413, { error: `Body larger than ${maxBytes} bytes` }, { Connection: "close" });
    }

    if (options.signingSecret) {
      const signature = checkSignature(raw, req.headers[SIGNATURE_HEADER], options.signingSecret);
      if (signature !== "valid") {
        // Neither the header nor the secret is logged: only which check failed.
        log.warn({ event: "webhook.rejected", reason: `signature_${signature}` }, "webhook signature is missing or wrong");
        rejected(`signature_${signature}`);
        return send(res, 401, { error: signature === "missing" ? `Missing ${SIGNATURE_HEADER}` : `Bad ${SIGNATURE_HEADER}` });
      }
    }

    let body: unknown;
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      log.warn({ event: "webhook.rejected", reason: "invalid_json" }, "webhook body is not JSON");
      rejected("invalid_json");
      return send(res, 400, { error: "Body is not valid JSON" });
    }
    const parsed = parseWebhookPayload(body);
    if (parsed.kind === "invalid") {
      log.warn({ event: "webhook.rejected", reason: "invalid_payload", detail: parsed.message }, "webhook body is not a Railway payload");
      rejected("invalid_payload");
      return send(res, 400, { error: `Not a Railway webhook payload: ${parsed.message}` });
    }
    if (parsed.kind === "other") {
      log.info({ event: "webhook.ignored", type: parsed.type }, "webhook event not about a deployment");
      return send(res, 202, { accepted: false, reason: "not a deployment event" });
    }

    let outcome: HintOutcome;
    try {
      outcome = await watcher.acceptHint(parsed.hint);
    } catch (error) {
      log.error(
        { event: "webhook.failed", deploymentId: parsed.hint.deploymentId, err: error instanceof Error ? error.message : String(error) },
        "webhook hint failed",
      );
      // Railway retries on 5xx; the poll catches up either way.
      return send(res, 503, { error: "Try again later" });
    }
    const logLine = { event: "webhook.received", type: parsed.type, deploymentId: parsed.hint.deploymentId, status: parsed.hint.status, outcome };
    if (outcome === "other_project") log.info(logLine, "webhook for another project ignored");
    else log.info(logLine, "webhook received");
    return send(res, 202, { accepted: outcome === "accepted", outcome });
  };
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

/** Constant-time comparison of equal-length digests, whatever the length of the guess. */
function secretMatches(candidate: string, expected: Buffer): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(candidate);
  } catch {
    return false;
  }
  return timingSafeEqual(digest(decoded), expected) && decoded.length > 0;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "body"}: ${issue.message}`)
    .join("; ");
}

/** Drops undefined optional fields. */
function compact(hint: DeploymentHint): DeploymentHint {
  return Object.fromEntries(Object.entries(hint).filter(([, v]) => v !== undefined)) as unknown as DeploymentHint;
}
