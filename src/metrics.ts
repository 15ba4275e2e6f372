/**
 * Prometheus metrics for the long-running bot. One registry per process, made by the entry
 * point (no module-level singleton), so tests and benchmarks get fresh counters.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";

export interface Metrics {
  registry: Registry;
  /** Questions answered from the runbook (`matched="true"`) or left unmatched (`"false"`). */
  questions: Counter<"matched">;
  /** Cache-clear / redeploy workflows that reached a final state, by that state. */
  workflows: Counter<"outcome">;
  /** Railway GraphQL requests by operation name and result (`ok`, `rate_limited`, `unauthorized`, ...). */
  railwayRequests: Counter<"operation" | "status">;
  /** `X-RateLimit-Remaining` from Railway's latest answer. */
  railwayRateRemaining: Gauge;
  /** Proactive warnings posted to a channel, by watcher rule. */
  warningsPosted: Counter<"rule">;
  /** Failed calls to a chat platform's API (Slack Web API, Discord REST), by platform. */
  chatApiErrors: Counter<"platform">;
  /** Railway webhook deliveries refused (bad path, bad or missing signature, bad body). */
  webhooksRejected: Counter<"reason">;
}

export interface MetricsOptions {
  /** Node process metrics (memory, GC, event-loop lag as `nodejs_eventloop_lag_seconds`); default on. */
  processMetrics?: boolean;
}

/** A fresh registry with railcache's metrics and Node's default process metrics. */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    questions: new Counter({
      name: "railcache_questions_total",
      help: "Questions answered from the runbook (matched=true) or left unmatched (matched=false)",
      labelNames: ["matched"] as const,
      registers,
    }),
    workflows: new Counter({
      name: "railcache_workflows_total",
      help: "Cache-clear and redeploy workflows that ended, by final state",
      labelNames: ["outcome"] as const,
      registers,
    }),
    railwayRequests: new Counter({
      name: "railcache_railway_requests_total",
      help: "Requests sent to Railway's GraphQL API, by operation and result",
      labelNames: ["operation", "status"] as const,
      registers,
    }),
    railwayRateRemaining: new Gauge({
      name: "railcache_railway_rate_limit_remaining",
      help: "Railway API requests left in the current rate-limit window (X-RateLimit-Remaining)",
      registers,
    }),
    warningsPosted: new Counter({
      name: "railcache_warnings_posted_total",
      help: "Proactive warnings posted to chat, by watcher rule",
      labelNames: ["rule"] as const,
      registers,
    }),
    chatApiErrors: new Counter({
      name: "railcache_chat_api_errors_total",
      help: "Failed calls to a chat platform's API, by platform",
      labelNames: ["platform"] as const,
      registers,
    }),
    webhooksRejected: new Counter({
      name: "railcache_webhooks_rejected_total",
      help: "Railway webhook deliveries refused, by reason (not_found, signature_missing, signature_invalid, too_large, invalid_json, invalid_payload)",
      labelNames: ["reason"] as const,
      registers,
    }),
  };
}
