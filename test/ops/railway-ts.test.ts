/**
 * `.railway/railway.ts` is evaluated by Railway's CLI, not by our build, so it is read here as
 * TypeScript source (the compiler API, no evaluation) and checked against the Dockerfile, the
 * HTTP server and the config schema.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createHttpServer, type HttpServer } from "../../src/http/server.js";
import { silentLogger } from "../../src/log.js";
import { createMetrics } from "../../src/metrics.js";
import { execForm, parseDockerfile } from "./dockerfile.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const parse = (file: string) => ts.createSourceFile(file, readFileSync(path.join(root, file), "utf8"), ts.ScriptTarget.Latest, true);
const iac = parse(".railway/railway.ts");

function calls(node: ts.Node, callee: string): ts.CallExpression[] {
  const found: ts.CallExpression[] = [];
  const visit = (n: ts.Node) => {
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === callee) found.push(n);
    ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

function property(object: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const p of object.properties) {
    if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === name) return p.initializer;
  }
  return undefined;
}

function stringValue(expression: ts.Expression | undefined): string | undefined {
  return expression && (ts.isStringLiteral(expression) || ts.isNoSubstitutionTemplateLiteral(expression)) ? expression.text : undefined;
}

/** The variable a resource call is assigned to: `const db = postgres("postgres")` gives "db". */
function boundName(call: ts.CallExpression): string | undefined {
  return ts.isVariableDeclaration(call.parent) && ts.isIdentifier(call.parent.name) ? call.parent.name.text : undefined;
}

/** The keys of `const envSchema = z.object({ ... })` in src/config.ts: every variable railcache reads. */
function configKeys(): Set<string> {
  const config = parse("src/config.ts");
  const keys = new Set<string>();
  const visit = (n: ts.Node) => {
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.name.text === "envSchema" && n.initializer && ts.isCallExpression(n.initializer)) {
      const object = n.initializer.arguments[0];
      if (object && ts.isObjectLiteralExpression(object)) {
        for (const p of object.properties) if (p.name && ts.isIdentifier(p.name)) keys.add(p.name.text);
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(config);
  return keys;
}

const services = calls(iac, "service");
const bot = services.find((call) => stringValue(call.arguments[0]) === "railcache");
const botConfig = bot?.arguments[1];
if (!botConfig || !ts.isObjectLiteralExpression(botConfig)) throw new Error('.railway/railway.ts has no service("railcache", { ... })');
const envObject = property(botConfig, "env");
if (!envObject || !ts.isObjectLiteralExpression(envObject)) throw new Error("the railcache service has no env object");
const env = new Map(
  envObject.properties.filter(ts.isPropertyAssignment).map((p) => [(p.name as ts.Identifier | ts.StringLiteral).text, p.initializer] as const),
);

const dockerfile = parseDockerfile(readFileSync(path.join(root, "Dockerfile"), "utf8"));
const runtime = dockerfile.stages.at(-1);
const dockerCmd = execForm(runtime?.instructions.find((i) => i.keyword === "CMD")?.args ?? "[]");

describe(".railway/railway.ts against the Dockerfile", () => {
  it("builds the railcache service from the repository's Dockerfile", () => {
    const build = property(botConfig, "build");
    expect(build && ts.isObjectLiteralExpression(build)).toBe(true);
    const buildObject = build as ts.ObjectLiteralExpression;
    expect(stringValue(property(buildObject, "builder"))).toBe("DOCKERFILE");
    expect(stringValue(property(buildObject, "dockerfilePath"))).toBe("Dockerfile");
  });

  it("starts the service with the Dockerfile's CMD", () => {
    expect(dockerCmd).toEqual(["node", "--optimize-for-size", "dist/cli.js", "start"]);
    expect(stringValue(property(botConfig, "start"))).toBe(dockerCmd.join(" "));
  });

  it("health-checks the same path as the Dockerfile's HEALTHCHECK, with a timeout within Railway's 300 s default", () => {
    const healthcheck = stringValue(property(botConfig, "healthcheck"));
    const dockerHealthcheck = runtime?.instructions.find((i) => i.keyword === "HEALTHCHECK")?.args ?? "";
    expect(healthcheck).toBe("/healthz");
    expect(dockerHealthcheck).toContain(`${healthcheck}'`);
    const timeout = property(botConfig, "healthcheckTimeout");
    expect(timeout && ts.isNumericLiteral(timeout)).toBe(true);
    const seconds = Number((timeout as ts.NumericLiteral).text);
    expect(seconds).toBeGreaterThanOrEqual(10);
    expect(seconds).toBeLessThanOrEqual(300);
  });
});

describe(".railway/railway.ts health check against the HTTP server", () => {
  let http: HttpServer;
  let base: string;
  beforeAll(async () => {
    // Not ready (chat still connecting): Railway's health check must pass anyway, or a deploy
    // would fail whenever Slack is slow to connect.
    http = createHttpServer({
      metrics: createMetrics({ processMetrics: false }),
      readiness: async () => ({ ready: false, checks: { slack: false } }),
      log: silentLogger(),
    });
    base = `http://127.0.0.1:${await http.listen(0, "127.0.0.1")}`;
  });
  afterAll(() => http.close(100));

  it("gets 200 from the configured health check path while chat is still connecting", async () => {
    const response = await fetch(`${base}${stringValue(property(botConfig, "healthcheck")) ?? "/missing"}`);
    expect(response.status).toBe(200);
  });
});

describe(".railway/railway.ts variables against src/config.ts", () => {
  it("sets only variables railcache's config reads", () => {
    const known = configKeys();
    expect(known.size).toBeGreaterThan(10);
    for (const name of env.keys()) expect(known.has(name), `${name} is read by src/config.ts`).toBe(true);
  });

  it("takes DATABASE_URL from the PostgreSQL database declared in the same project", () => {
    const pg = calls(iac, "postgres");
    expect(pg).toHaveLength(1);
    const dbName = boundName(pg[0] as ts.CallExpression);
    expect(env.get("DATABASE_URL")?.getText()).toBe(`${dbName}.env.DATABASE_URL`);
    const projectCall = calls(iac, "project")[0];
    const definition = projectCall?.arguments[1];
    const resources = definition && ts.isObjectLiteralExpression(definition) ? property(definition, "resources") : undefined;
    const listed = resources && ts.isArrayLiteralExpression(resources) ? resources.elements.map((e) => e.getText()) : [];
    expect(listed).toContain(dbName);
    expect(listed).toContain(boundName(bot as ts.CallExpression));
  });

  it("never holds a literal secret: tokens, secrets and URLs are references or preserve()", () => {
    for (const [name, value] of env) {
      if (!/TOKEN|SECRET|PASSWORD|DATABASE_URL|_KEY$/.test(name)) continue;
      const isPreserve = ts.isCallExpression(value) && value.expression.getText() === "preserve" && value.arguments.length === 0;
      const isReference = ts.isPropertyAccessExpression(value) && /\.env\.\w+$/.test(value.getText());
      expect(isPreserve || isReference, `${name} = ${value.getText()}`).toBe(true);
    }
    const literals: string[] = [];
    const visit = (n: ts.Node) => {
      if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) literals.push(n.text);
      ts.forEachChild(n, visit);
    };
    visit(iac);
    for (const literal of literals) {
      expect(literal).not.toMatch(/^(xox[abp]-|xapp-|postgres(ql)?:\/\/)/);
      // A long unbroken random-looking string is a pasted secret.
      expect(literal).not.toMatch(/^[A-Za-z0-9_\-.]{32,}$/);
    }
  });

  it("declares RAILCACHE_POLICY, so a deployed bot is not left with the open policy by default", () => {
    const value = env.get("RAILCACHE_POLICY");
    expect(value?.getText()).toBe("preserve()");
  });

  it("gives literal values that railcache's config accepts", () => {
    const literals = Object.fromEntries(
      [...env].filter(([, value]) => stringValue(value) !== undefined).map(([name, value]) => [name, stringValue(value) as string]),
    );
    expect(() => loadConfig({ ...literals, DATABASE_URL: "postgres://railcache@postgres.railway.internal:5432/railway" })).not.toThrow();
  });
});
