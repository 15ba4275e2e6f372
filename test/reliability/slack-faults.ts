/**
 * Faults for the fake Slack's Web API: a pass-through proxy on 127.0.0.1 that answers chosen
 * methods with an HTTP error or a Slack error (`invalid_auth`, `ratelimited`, ...) for a number of
 * calls, and forwards everything else to the fake unchanged. The real Slack clients point at it.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type SlackFault =
  /** An HTTP error with no Slack body (a gateway or server failure). */
  | { kind: "http"; status: number }
  /** HTTP 200 with `{ ok: false, error }`, the way Slack reports invalid_auth, channel_not_found, ... */
  | { kind: "error"; error: string }
  /** HTTP 429 `ratelimited` with Retry-After. */
  | { kind: "ratelimited"; retryAfterSec: number };

export interface SlackFaultProxy {
  /** Base URL ending in `/api/`, for the Slack client's `slackApiUrl`. */
  apiUrl: string;
  /** The next `times` calls to `method` get `fault` (Infinity: until `clear`). */
  fail(method: string, fault: SlackFault, times?: number): void;
  clear(): void;
  /** Calls the proxy answered with a fault, by method. */
  faulted(method: string): number;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startSlackFaultProxy(targetApiUrl: string): Promise<SlackFaultProxy> {
  const rules = new Map<string, { fault: SlackFault; times: number }>();
  const faulted = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const method = (req.url ?? "").replace(/^\/api\//, "").split("?")[0] ?? "";
      const rule = rules.get(method);
      if (rule && rule.times > 0) {
        rule.times -= 1;
        faulted.set(method, (faulted.get(method) ?? 0) + 1);
        const { fault } = rule;
        if (fault.kind === "http") res.writeHead(fault.status, { "content-type": "text/plain" }).end("upstream failure");
        else if (fault.kind === "error") res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: false, error: fault.error }));
        else
          res
            .writeHead(429, { "content-type": "application/json", "retry-after": String(fault.retryAfterSec) })
            .end(JSON.stringify({ ok: false, error: "ratelimited" }));
        return;
      }
      const headers: Record<string, string> = {};
      for (const name of ["content-type", "authorization"]) {
        const value = req.headers[name];
        if (typeof value === "string") headers[name] = value;
      }
      const upstream = await fetch(new URL(req.url?.replace(/^\/api\//, "") ?? "", targetApiUrl), {
        method: req.method ?? "POST",
        headers,
        ...(body.length ? { body } : {}),
      });
      const out: Record<string, string> = {};
      upstream.headers.forEach((value, name) => {
        if (name === "content-type" || name === "retry-after") out[name] = value;
      });
      res.writeHead(upstream.status, out).end(Buffer.from(await upstream.arrayBuffer()));
    })().catch(() => {
      if (!res.headersSent) res.writeHead(502).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    fail: (method, fault, times = 1) => rules.set(method, { fault, times }),
    clear: () => rules.clear(),
    faulted: (method) => faulted.get(method) ?? 0,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
