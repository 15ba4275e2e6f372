/**
 * A real Slack WebClient whose own logger writes into an array instead of the console: the
 * rejections and rate limits a test provokes on purpose are kept (a test may read `lines`) and a
 * passing run prints nothing that looks like a failure.
 */
import { LogLevel, WebClient, type Logger, type WebClientOptions } from "@slack/web-api";

export function quietWebClient(token: string, options: WebClientOptions = {}): WebClient & { lines: string[] } {
  const lines: string[] = [];
  const keep =
    (level: string) =>
    (...msg: unknown[]) => {
      lines.push(`${level} ${msg.map(String).join(" ")}`);
    };
  const logger: Logger = {
    debug: keep("debug"),
    info: keep("info"),
    warn: keep("warn"),
    error: keep("error"),
    setLevel: () => undefined,
    getLevel: () => LogLevel.INFO,
    setName: () => undefined,
  };
  return Object.assign(new WebClient(token, { ...options, logger }), { lines });
}
