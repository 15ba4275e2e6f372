/**
 * The baseline for the ack benchmark, run as its own process (`node --import tsx bench/bare-bolt.ts`):
 * a bare @slack/bolt app in HTTP mode that does nothing but ack `/railcache`. Configured by
 * BOT_TOKEN, SIGNING_SECRET, SLACK_API_URL, PORT and optionally ACK_BODY; prints
 * `listening <port>` once up.
 */
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { App, HTTPReceiver, LogLevel } from "@slack/bolt";

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`bare-bolt: ${name} is not set`);
  return value;
};

const signingSecret = env("SIGNING_SECRET");
const receiver = new HTTPReceiver({ signingSecret, endpoints: "/slack/events" });
const app = new App({
  token: env("BOT_TOKEN"),
  receiver,
  logLevel: LogLevel.WARN,
  clientOptions: { slackApiUrl: env("SLACK_API_URL") },
  deferInitialization: true,
});
// ACK_BODY (a JSON file): ack with that message instead of empty, e.g. railcache's own reply.
const ackBody = process.env.ACK_BODY ? (JSON.parse(readFileSync(process.env.ACK_BODY, "utf8")) as Record<string, unknown>) : undefined;
app.command("/railcache", async ({ ack }) => {
  await ack(ackBody);
});
await app.init();
const server = (await app.start({ port: Number(env("PORT")), host: "127.0.0.1" })) as Server;
console.log(`listening ${(server.address() as AddressInfo).port}`);
process.once("SIGTERM", () => {
  void app.stop().then(() => process.exit(0));
});
