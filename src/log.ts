import { pino, type Logger, type DestinationStream } from "pino";
import { CENSOR } from "./censor.js";
import { redactConnectionSecrets } from "./redact.js";

export type { Logger };

export { CENSOR };

/** A key whose value is a secret wherever it appears in a log line, at any depth, in any case. */
const SECRET_KEY = /token|secret|password|passwd|authorization|cookie|database_?url|api_?key|private_?key/i;

/** Known secret values shorter than this are not searched for: they would blank harmless text. */
const MIN_SECRET_LENGTH = 8;

/** A copy of a parsed JSON value with the value of every secret-named key blanked. */
function blankSecretKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(blankSecretKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, SECRET_KEY.test(key) ? CENSOR : blankSecretKeys(v)]));
}

/**
 * Blanks secrets in one serialized log line: the value of every secret-named key (after pino's
 * serializers, so inside logged errors and request headers too), and every known secret value
 * wherever it appears, messages and stack traces included.
 *
 * Done on the finished line rather than with pino's `redact` paths: @pinojs/redact re-parses
 * every path on every call (about 50 µs a line for our paths, the largest single cost of a
 * slash-command ack), while most lines here cost one regular-expression test.
 */
export function scrubLine(line: string, secrets: readonly string[] = []): string {
  let out = line;
  // Only a line that mentions a secret-like word anywhere is taken apart and put back together.
  if (SECRET_KEY.test(line)) {
    try {
      out = `${JSON.stringify(blankSecretKeys(JSON.parse(line)))}\n`;
    } catch {
      // pino writes JSON; anything else is left to the known-value pass below.
    }
  }
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join(CENSOR);
  }
  // A database password inside a driver's error, however the connection string was spelled.
  return redactConnectionSecrets(out);
}

export interface LoggerOptions {
  level?: string;
  /** Where lines go (default stdout); tests capture output with it. */
  destination?: DestinationStream;
  /** Secret values (tokens, signing secrets, database URLs) that must never be written, wherever they turn up. */
  secrets?: readonly (string | undefined)[];
}

/** Structured JSON logs; every line is scrubbed of secrets before it is written (see `scrubLine`). */
export function createLogger(options: LoggerOptions = {}): Logger {
  const known = (options.secrets ?? []).filter((s): s is string => typeof s === "string" && s.length >= MIN_SECRET_LENGTH);
  // A secret holding quotes or backslashes appears JSON-escaped inside a line: look for both forms.
  const secrets = [...new Set(known.flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]))];
  return pino(
    {
      level: options.level ?? "info",
      base: { app: "railcache" },
      hooks: { streamWrite: (line) => scrubLine(line, secrets) },
    },
    options.destination,
  );
}

/** A logger that writes nothing: for the CLI's quiet paths and for tests that do not inspect logs. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
