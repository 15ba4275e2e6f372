/**
 * The simulator's HTTP face: a node:http server on 127.0.0.1 speaking Railway's GraphQL
 * endpoint. Requests are parsed and validated against Railway's real schema, authorised by
 * token header, rate-limited per token, optionally faulted, logged, then executed against the
 * World.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { execute, getOperationAST, parse, validate, type DocumentNode, type GraphQLError, type GraphQLSchema } from "graphql";
import type { Clock } from "../../core/ports/clock.js";
import { methodNotAllowed, readBody, send } from "../../http/plumbing.js";
import { demoTokens, demoWorld } from "./demo.js";
import { Faults } from "./faults.js";
import { rootValue, type TokenGrant } from "./resolvers.js";
import { loadRailwaySchema } from "./schema.js";
import { createScenarios, type Scenarios } from "./scenarios.js";
import type { World, WorldSettings } from "./world.js";

export const graphqlPath = "/graphql/v2";

export interface SimulatorOptions {
  /** The state to serve; `demoWorld()` when absent. */
  world?: World;
  /** Tokens the simulator accepts; the demo tokens when absent. */
  tokens?: TokenGrant[];
  /** Move the simulated clock with real time (for the console demo). */
  autoAdvance?: boolean;
  /** With autoAdvance: simulated milliseconds per real millisecond (the demo runs builds faster than life). */
  speed?: number;
  /** Railway's introspection schema; the vendored copy (identical to ../shared/railway/schema.json) when absent. */
  schemaPath?: string;
  /** Requests per token per hour (Railway Hobby: 1000). */
  rateLimitPerHour?: number;
  /** Whether responses carry X-RateLimit-* headers (default true; false models a Railway that stops sending them). */
  rateLimitHeaders?: boolean;
  /** Undocumented Railway behaviour to assume (world.ts WorldSettings); applied to the world served. */
  settings?: Partial<WorldSettings>;
}

export interface RequestRecord {
  operationName: string | null;
  variables: Record<string, unknown>;
  tokenKind: "account" | "project" | "none" | "invalid";
  /** Simulated time of the request (ms). */
  at: number;
  /** HTTP status answered, or null when a timeout fault never answered. */
  status: number | null;
  fault: string | null;
}

export interface Simulator {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:41234/graphql/v2 */
  url: string;
  world: World;
  faults: Faults;
  /** Every request received, in order (tests clear it with `requests.length = 0`). */
  requests: RequestRecord[];
  scenario: Scenarios;
  /** The simulated clock: `sleep` moves the world forward (real sleep with autoAdvance). */
  clock: Clock;
  /** Moves simulated time forward by `ms`, stepping deployments through their lifecycle. */
  advance(ms: number): void;
  /** Jumps to the next deployment status change, if any; returns whether one happened. */
  tick(): boolean;
  close(): Promise<void>;
}

interface Budget {
  windowStart: number;
  used: number;
}

const hourMs = 60 * 60 * 1000;
/** Railway's requests are small: a body past this is refused, as a real gateway would. */
const MAX_BODY_BYTES = 1_000_000;

/** Starts the simulator on 127.0.0.1 at a random port. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const schema = loadRailwaySchema(options.schemaPath);
  const world = options.world ?? demoWorld();
  Object.assign(world.settings, options.settings ?? {});
  const grants = options.tokens ?? demoTokens();
  const limit = options.rateLimitPerHour ?? 1000;
  const faults = new Faults();
  const requests: RequestRecord[] = [];
  const budgets = new Map<string, Budget>();
  const root = rootValue();
  const hanging = new Set<ServerResponse>();

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { errors: [{ message: `simulator failure: ${(error as Error).message}` }] });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname !== graphqlPath) return send(res, 404, { errors: [{ message: "Not Found" }] });
    if (req.method !== "POST") return methodNotAllowed(res, ["POST"], { errors: [{ message: "Only POST is supported" }] });

    const raw = await readBody(req, MAX_BODY_BYTES);
    if (raw === null) return send(res, 413, { errors: [{ message: `Body larger than ${MAX_BODY_BYTES} bytes` }] }, { connection: "close" });
    let body: { query?: unknown; variables?: unknown; operationName?: unknown };
    try {
      body = JSON.parse(raw.toString("utf8")) as typeof body;
    } catch {
      return send(res, 400, { errors: [{ message: "Body is not valid JSON" }] });
    }
    const operationName = typeof body.operationName === "string" ? body.operationName : null;
    const variables = body.variables && typeof body.variables === "object" ? (body.variables as Record<string, unknown>) : {};

    const auth = authenticate(req, grants);
    const record: RequestRecord = { operationName, variables, tokenKind: auth.kind, at: world.now, status: null, fault: null };
    requests.push(record);

    const rate = spend(auth.key);
    const rateHeaders: Record<string, string> =
      options.rateLimitHeaders === false
        ? {}
        : {
            "X-RateLimit-Limit": String(limit),
            "X-RateLimit-Remaining": String(Math.max(0, limit - rate.used)),
            "X-RateLimit-Reset": String(Math.ceil((rate.windowStart + hourMs) / 1000)),
          };
    const answer = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      send(res, status, payload as object, { ...rateHeaders, ...headers });
    };

    if (rate.used > limit) {
      const retryAfter = Math.max(1, Math.ceil((rate.windowStart + hourMs - world.now) / 1000));
      record.fault = "rate_limit";
      return answer(429, { errors: [{ message: "Rate limit exceeded" }] }, { "Retry-After": String(retryAfter) });
    }

    const fault = faults.take(operationName);
    if (fault) {
      record.fault = fault.kind;
      switch (fault.kind) {
        case "http429":
          return answer(
            429,
            { errors: [{ message: "Rate limit exceeded" }] },
            { "Retry-After": String(fault.retryAfterSeconds ?? 2), "X-RateLimit-Remaining": "0" },
          );
        case "http500":
          record.status = 500;
          res.writeHead(500, { "Content-Type": "text/plain", ...rateHeaders }).end("Internal Server Error");
          return;
        case "http502":
          record.status = 502;
          res.writeHead(502, { "Content-Type": "text/html" }).end("<html><head><title>502 Bad Gateway</title></head><body>502 Bad Gateway</body></html>");
          return;
        case "malformedJson":
          record.status = 200;
          res.writeHead(200, { "Content-Type": "application/json", ...rateHeaders }).end('{"data": {"project": {"id": ');
          return;
        case "graphqlError": {
          const code = fault.code === undefined ? "INTERNAL_SERVER_ERROR" : fault.code;
          return answer(200, { data: null, errors: [{ message: fault.message ?? "Problem processing request", ...(code ? { extensions: { code } } : {}) }] });
        }
        case "timeout":
          hanging.add(res);
          res.on("close", () => hanging.delete(res));
          if (fault.delayMs !== undefined) {
            setTimeout(() => {
              hanging.delete(res);
              if (!res.writableEnded && !res.destroyed) void runQuery(schema, body, auth, operationName, variables).then(([s, p]) => answer(s, p));
            }, fault.delayMs).unref();
          }
          return;
      }
    }

    const [status, payload] = await runQuery(schema, body, auth, operationName, variables, {
      remaining: Math.max(0, limit - rate.used),
      resetsAt: rate.windowStart + hourMs,
    });
    answer(status, payload);
  }

  async function runQuery(
    schemaToUse: GraphQLSchema,
    body: { query?: unknown },
    auth: Auth,
    operationName: string | null,
    variables: Record<string, unknown>,
    rate?: { remaining: number; resetsAt: number },
  ): Promise<[number, unknown]> {
    if (typeof body.query !== "string") return [400, { errors: [{ message: "Must provide query string." }] }];
    let document: DocumentNode;
    try {
      document = parse(body.query);
    } catch (error) {
      return [200, { errors: [formatError(error as GraphQLError, "GRAPHQL_PARSE_FAILED")] }];
    }
    const validationErrors = validate(schemaToUse, document);
    if (validationErrors.length > 0) return [200, { errors: validationErrors.map((e) => formatError(e, "GRAPHQL_VALIDATION_FAILED")) }];
    if (!getOperationAST(document, operationName)) return [200, { errors: [{ message: "Could not determine the operation to run" }] }];
    if (!auth.grant) return [200, { data: null, errors: [{ message: "Not Authorized" }] }];
    const result = await execute({
      schema: schemaToUse,
      document,
      rootValue: root,
      contextValue: { world, grant: auth.grant, ...(rate ? { rate } : {}) },
      variableValues: variables,
      operationName,
    });
    const payload: Record<string, unknown> = { data: result.data ?? null };
    if (result.errors?.length) payload.errors = result.errors.map((e) => formatError(e));
    return [200, payload];
  }

  function spend(key: string): Budget {
    let budget = budgets.get(key);
    if (!budget || world.now >= budget.windowStart + hourMs) {
      budget = { windowStart: world.now, used: 0 };
      budgets.set(key, budget);
    }
    budget.used += 1;
    return budget;
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  let lastReal = Date.now();
  const speed = options.speed ?? 1;
  const timer = options.autoAdvance
    ? setInterval(() => {
        const nowReal = Date.now();
        world.advance((nowReal - lastReal) * speed);
        lastReal = nowReal;
      }, 250)
    : null;
  timer?.unref();

  const advance = (ms: number) => world.advance(ms);
  const clock: Clock = options.autoAdvance
    ? { now: () => world.now, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms / speed)) }
    : {
        now: () => world.now,
        sleep: (ms) => {
          advance(ms);
          return new Promise((resolve) => setImmediate(resolve));
        },
      };

  return {
    url: `http://127.0.0.1:${port}${graphqlPath}`,
    world,
    faults,
    requests,
    scenario: createScenarios(world),
    clock,
    advance,
    tick: () => {
      const next = Math.min(...[...world.deployments.values()].map((d) => d.phaseEndsAt ?? Infinity));
      if (!Number.isFinite(next)) return false;
      world.advance(Math.max(0, next - world.now));
      return true;
    },
    close: async () => {
      if (timer) clearInterval(timer);
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface Auth {
  kind: RequestRecord["tokenKind"];
  grant: TokenGrant | null;
  /** Budget key: the token itself never leaves this module. */
  key: string;
}

/** Account tokens come as `Authorization: Bearer`, project tokens as `Project-Access-Token`. */
function authenticate(req: IncomingMessage, grants: TokenGrant[]): Auth {
  const projectToken = req.headers["project-access-token"];
  const authorization = req.headers.authorization;
  if (typeof projectToken === "string" && projectToken) {
    const grant = grants.find((g) => g.kind === "project" && g.token === projectToken) ?? null;
    return { kind: grant ? "project" : "invalid", grant, key: `p:${projectToken}` };
  }
  if (typeof authorization === "string" && authorization) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    const token = match?.[1] ?? "";
    const grant = grants.find((g) => g.kind === "account" && g.token === token) ?? null;
    return { kind: grant ? "account" : "invalid", grant, key: `a:${token}` };
  }
  return { kind: "none", grant: null, key: `anon:${req.socket.remoteAddress ?? ""}` };
}

function formatError(error: GraphQLError, code?: string): Record<string, unknown> {
  const json = error.toJSON() as unknown as Record<string, unknown>;
  return code ? { ...json, extensions: { ...((json.extensions as object | undefined) ?? {}), code } } : json;
}
