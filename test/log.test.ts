import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CENSOR, createLogger, scrubLine, type LoggerOptions } from "../src/log.js";

/** A logger writing into an array of parsed lines. */
function capture(options: Omit<LoggerOptions, "destination"> = {}) {
  const raw: string[] = [];
  const log = createLogger({ ...options, level: "debug", destination: { write: (line: string) => void raw.push(line) } });
  return { log, raw, lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

const botToken = "xoxb-1111-2222-abcdefghijklmnop";

describe("log lines never carry secrets", () => {
  it("blanks secret-named keys at any depth and in any case, and keeps the rest", () => {
    const { log, lines } = capture();
    log.info(
      {
        event: "railway.request",
        token: botToken,
        railway: { apiToken: "rw-account-token-value", projectId: "p-1" },
        request: { headers: { Authorization: "Bearer rw-account-token-value", "Project-Access-Token": "pat-value-123456", accept: "application/json" } },
        databaseUrl: "postgres://app:hunter2hunter2@db:5432/app",
        signingSecret: "0123456789abcdef",
        count: 3,
      },
      "calling Railway",
    );
    const [line] = lines();
    expect(line).toMatchObject({
      event: "railway.request",
      token: CENSOR,
      railway: { apiToken: CENSOR, projectId: "p-1" },
      request: { headers: { Authorization: CENSOR, "Project-Access-Token": CENSOR, accept: "application/json" } },
      databaseUrl: CENSOR,
      signingSecret: CENSOR,
      count: 3,
      msg: "calling Railway",
    });
  });

  it("blanks secrets inside a logged error, which pino serializes before the line is scrubbed", () => {
    const { log, raw, lines } = capture();
    const error = Object.assign(new Error("GraphQL request failed"), { request: { headers: { authorization: "Bearer leaked-by-the-library" } } });
    log.error({ event: "railway.error", err: error }, "Railway failed");
    expect(raw.join("")).not.toContain("leaked-by-the-library");
    expect(lines()[0]).toMatchObject({ err: { message: "GraphQL request failed", request: { headers: { authorization: CENSOR } } } });
  });

  it("blanks known secret values wherever they appear: messages, error texts and stack traces", () => {
    const { log, raw } = capture({ secrets: [botToken, "rw-secret-token-0001", undefined] });
    log.warn({ event: "slack.error", detail: `token ${botToken} was refused` }, `auth.test failed for ${botToken}`);
    log.error({ err: new Error(`could not reach Railway with rw-secret-token-0001`) }, "oops");
    const text = raw.join("");
    expect(text).not.toContain(botToken);
    expect(text).not.toContain("rw-secret-token-0001");
    expect(text).toContain(`auth.test failed for ${CENSOR}`);
    expect(text).toContain(`could not reach Railway with ${CENSOR}`);
  });

  it("finds a known secret holding quotes or backslashes in its JSON-escaped form", () => {
    const secret = 'pa"ss\\word-0001';
    const { log, raw, lines } = capture({ secrets: [secret] });
    log.info({ note: `got ${secret}` }, "x");
    expect(raw.join("")).not.toContain(JSON.stringify(secret).slice(1, -1));
    expect(lines()[0]?.note).toBe(`got ${CENSOR}`);
  });

  it("does not search for very short secret values, which would blank ordinary words", () => {
    const { log, lines } = capture({ secrets: ["info"] });
    log.info({ event: "x" }, "some info");
    expect(lines()[0]?.msg).toBe("some info");
  });

  it("leaves the caller's object alone", () => {
    const { log } = capture();
    const fields = { event: "x", token: botToken, nested: { secret: "s3cr3t-value-99" } };
    log.info(fields, "x");
    expect(fields).toEqual({ event: "x", token: botToken, nested: { secret: "s3cr3t-value-99" } });
  });

  it("leaves a line with nothing secret unchanged", () => {
    const line = '{"level":30,"event":"slack.command","sub":"help","inAck":true,"n":1.5e3,"ok":null,"msg":"Slash command \\"help\\""}\n';
    expect(scrubLine(line)).toBe(line);
  });

  // Random JSON values with secrets planted under secret-named keys at random depths: the line stays
  // valid JSON, no planted secret survives, and every other value is unchanged.
  const secretKeys = fc.constantFrom("token", "botToken", "SECRET", "password", "authorization", "Cookie", "database_url", "apiKey");
  const plainKey = fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !/token|secret|passw|authoriz|cookie|database_?url|api_?key|private_?key/i.test(k));
  const plainValue = fc.oneof(fc.string({ maxLength: 30 }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
  const tree: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: "small" }, plainValue, fc.array(tie("node"), { maxLength: 3 }), fc.dictionary(plainKey, tie("node"), { maxKeys: 4 })),
  })).node;

  it("property: planted secrets never survive, the line stays valid JSON, other values are kept", () => {
    fc.assert(
      fc.property(
        fc.dictionary(plainKey, tree, { maxKeys: 5 }),
        fc.array(fc.tuple(fc.array(plainKey, { maxLength: 3 }), secretKeys, fc.stringMatching(/^[A-Za-z0-9_\-:/@."\\ ]{1,40}$/)), {
          minLength: 1,
          maxLength: 4,
        }),
        (base, plants) => {
          const fields = structuredClone(base) as Record<string, unknown>;
          const planted: string[] = [];
          for (const [path, key, value] of plants) {
            let at: Record<string, unknown> = fields;
            for (const step of path) {
              const next = at[step];
              at = (at[step] = next !== null && typeof next === "object" && !Array.isArray(next) ? next : {}) as Record<string, unknown>;
            }
            at[key] = `S3CRET<${value}>`;
            planted.push(`S3CRET<${value}>`);
          }
          const { log, raw, lines } = capture();
          log.info({ fields }, "m");
          const parsed = lines()[0] as { fields: unknown };
          for (const secret of planted) expect(raw[0]).not.toContain(JSON.stringify(secret).slice(1, -1));
          // Put the censor back where the plants were: what is left must equal the input.
          const expected = structuredClone(fields);
          const restore = (value: unknown): unknown => {
            if (Array.isArray(value)) return value.map(restore);
            if (value !== null && typeof value === "object") {
              return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === "string" && v.startsWith("S3CRET<") ? CENSOR : restore(v)]));
            }
            return value;
          };
          expect(parsed.fields).toEqual(JSON.parse(JSON.stringify(restore(expected))));
        },
      ),
      { numRuns: 300 },
    );
  });
});
