/**
 * The plumbing every railcache HTTP endpoint shares (the bot's server, the Railway webhook and
 * the Railway simulator): writing a response, refusing a method with its Allow header, the path
 * of a request, and reading a body under a size limit. Bolt's HTTPReceiver keeps its own request
 * handling: it is mounted as a raw node handler, so the Slack ack path gains no layer.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

/** Answers once: a JSON value is sent as JSON, a string as plain text; a HEAD gets no body. */
export function send(res: ServerResponse, status: number, body: string | object, headers: Record<string, string> = {}): void {
  if (res.headersSent) return void res.end();
  const json = typeof body !== "string";
  res.writeHead(status, { "content-type": json ? "application/json; charset=utf-8" : "text/plain; charset=utf-8", ...headers });
  res.end(res.req.method === "HEAD" ? undefined : json ? JSON.stringify(body) : body);
}

/** 405 with the Allow header listing what the path does accept. */
export function methodNotAllowed(
  res: ServerResponse,
  allowed: readonly string[],
  body: string | object = "method not allowed\n",
  headers: Record<string, string> = {},
): void {
  send(res, 405, body, { ...headers, allow: allowed.join(", ") });
}

/** The path of a request URL, without query or fragment. */
export function pathOf(url: string | undefined): string {
  const raw = url ?? "/";
  const end = raw.search(/[?#]/);
  return end === -1 ? raw : raw.slice(0, end);
}

/** The body, or null as soon as it passes `maxBytes` (the rest is not read). */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on("data", (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBytes) {
        done = true;
        req.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!done) resolve(Buffer.concat(chunks));
    });
    req.on("error", (error) => {
      if (!done) reject(error);
    });
  });
}
