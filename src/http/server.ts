/**
 * The bot's HTTP surface: `/healthz` (alive), `/readyz` (store and chat connections ready),
 * `/metrics` (Prometheus), plus raw node handlers mounted by path prefix (the Railway webhook,
 * Bolt's HTTPReceiver in Slack HTTP mode). Plain node:http with the shared plumbing.ts: Bolt's
 * receiver is a node listener, and a framework in front of it would put a layer on the Slack ack
 * path, which bench/RESULTS.md holds to a bare Bolt app.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import pTimeout from "p-timeout";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";
import { methodNotAllowed, pathOf, send } from "./plumbing.js";

export interface Readiness {
  ready: boolean;
  /** One entry per dependency, e.g. `{ store: true, slack: true, discord: false }`. */
  checks: Record<string, boolean>;
}

/** A raw node handler: may answer synchronously (Bolt's requestListener) or return a promise. */
export type RawHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface Route {
  /** An HTTP method, or "*" for any. */
  method: string;
  /** Matches the path itself and everything below it: "/slack/events", "/webhooks/railway/". */
  prefix: string;
  handler: RawHandler;
}

export interface HttpServerOptions {
  metrics: Pick<Metrics, "registry">;
  readiness: () => Promise<Readiness>;
  /** Read on every request, so a route pushed after `listen()` (once Slack is up) is served. */
  routes?: Route[];
  log: Logger;
  /** A readiness probe slower than this counts as not ready (default 3 s). */
  readinessTimeoutMs?: number;
}

export interface HttpServer {
  readonly server: Server;
  /** Start listening; resolves with the bound port (useful with port 0). */
  listen(port: number, host?: string): Promise<number>;
  /** Stop accepting connections and wait for in-flight requests (forcing them closed after `drainMs`, default 10 s). */
  close(drainMs?: number): Promise<void>;
}

const HEALTH_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);
/** Health, readiness and metrics answers are never cached by a proxy. */
const NO_STORE = { "cache-control": "no-store" };

/** Build the server; nothing listens until `listen()`. */
export function createHttpServer(options: HttpServerOptions): HttpServer {
  const { metrics, readiness, log } = options;
  const routes = options.routes ?? [];
  const readinessTimeoutMs = options.readinessTimeoutMs ?? 3_000;
  let draining = false;
  let closed: Promise<void> | undefined;

  const server = createServer((req, res) => {
    // Keep-alive clients must reconnect elsewhere once we drain.
    if (draining) res.setHeader("connection", "close");
    void dispatch(req, res);
  });

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    const path = pathOf(req.url);
    if (HEALTH_PATHS.has(path)) {
      if (method !== "GET" && method !== "HEAD") return methodNotAllowed(res, ["GET", "HEAD"], "method not allowed\n", NO_STORE);
      if (path === "/healthz") return reply(res, 200, "ok\n");
      if (path === "/readyz") return sendReadiness(res);
      return sendMetrics(res);
    }
    const matching = routes.filter((route) => underPrefix(path, route.prefix));
    if (matching.length === 0) return reply(res, 404, "not found\n");
    const route = matching.find((r) => r.method === "*" || r.method.toUpperCase() === method);
    if (!route) return methodNotAllowed(res, [...new Set(matching.map((r) => r.method.toUpperCase()))], "method not allowed\n", NO_STORE);
    try {
      await route.handler(req, res);
    } catch (error) {
      // The path may carry a secret (the webhook's): log the route's prefix, never the URL.
      log.error({ event: "http.handler_failed", route: route.prefix, err: error instanceof Error ? error.message : String(error) }, "HTTP handler failed");
      if (!res.headersSent) reply(res, 500, "internal error\n");
      else res.end();
    }
  }

  async function sendReadiness(res: ServerResponse): Promise<void> {
    let result: Readiness;
    try {
      result = await pTimeout(readiness(), { milliseconds: readinessTimeoutMs, message: `no answer within ${readinessTimeoutMs} ms` });
    } catch (error) {
      log.warn({ event: "http.readiness_failed", err: error instanceof Error ? error.message : String(error) }, "readiness probe failed");
      result = { ready: false, checks: {} };
    }
    const body = draining ? { ready: false, checks: result.checks, draining: true } : { ready: result.ready, checks: result.checks };
    reply(res, body.ready ? 200 : 503, `${JSON.stringify(body)}\n`, { "content-type": "application/json" });
  }

  async function sendMetrics(res: ServerResponse): Promise<void> {
    try {
      reply(res, 200, await metrics.registry.metrics(), { "content-type": metrics.registry.contentType });
    } catch (error) {
      log.error({ event: "http.metrics_failed", err: error instanceof Error ? error.message : String(error) }, "metrics collection failed");
      reply(res, 500, "metrics unavailable\n");
    }
  }

  return {
    server,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        const onError = (error: Error) => reject(error);
        server.once("error", onError);
        server.listen(port, host, () => {
          server.off("error", onError);
          resolve((server.address() as AddressInfo).port);
        });
      });
    },
    close(drainMs = 10_000) {
      if (closed) return closed;
      draining = true;
      closed = new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        const force = setTimeout(() => server.closeAllConnections(), drainMs);
        force.unref();
        // Keep-alive connections go idle as their last response is sent: close them as they do.
        const sweep = setInterval(() => server.closeIdleConnections(), 25);
        sweep.unref();
        server.close(() => {
          clearTimeout(force);
          clearInterval(sweep);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closed;
    },
  };
}

function reply(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  send(res, status, body, { ...NO_STORE, ...headers });
}

function underPrefix(path: string, prefix: string): boolean {
  if (prefix.endsWith("/")) return path.startsWith(prefix) || path === prefix.slice(0, -1);
  return path === prefix || path.startsWith(`${prefix}/`);
}
