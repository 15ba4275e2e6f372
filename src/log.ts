import { pino, type Logger, type DestinationStream } from "pino";

export type { Logger };

/** Paths pino blanks out wherever they appear in a log line. */
export const redactPaths = [
  "token",
  "*.token",
  "*.*.token",
  "authorization",
  "*.authorization",
  "*.headers.authorization",
  '*.headers["project-access-token"]',
  "secret",
  "*.secret",
  "*.signingSecret",
  "*.botToken",
  "*.appToken",
  "*.railwayToken",
  "*.webhookSecret",
  "*.databaseUrl",
  "password",
  "*.password",
];

/** Structured logs with every known secret path redacted. `destination` lets tests capture output. */
export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? "info",
      base: { app: "railcache" },
      redact: { paths: redactPaths, censor: "[redacted]" },
    },
    options.destination,
  );
}

/** A logger that writes nothing: for the CLI's quiet paths and for tests that do not inspect logs. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
