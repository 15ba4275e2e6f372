/**
 * Starts the fake Discord and the real adapter against it, with the guild's commands registered
 * through the adapter itself. Tests pass the real BotCore (core + store + Railway simulator).
 */
import { Writable } from "node:stream";
import type { BotCore } from "../../../src/core/bot-core.js";
import { createLogger } from "../../../src/log.js";
import { createDiscordApp, type DiscordApp } from "../../../src/adapters/discord/app.js";
import { startFakeDiscord, type FakeDiscord } from "../../fakes/discord/server.js";

export const TOKEN = "MTAxMDEwMTAxMDEwMTAxMDEw.fake.discord-bot-token";

export interface Harness {
  fake: FakeDiscord;
  discord: DiscordApp;
  /** Every log line the adapter wrote, parsed. */
  logs: Record<string, unknown>[];
  stop(): Promise<void>;
}

export async function startHarness(options: { bot: BotCore; messageContent?: boolean; deferAfterMs?: number }): Promise<Harness> {
  const messageContent = options.messageContent ?? false;
  const fake = await startFakeDiscord({ token: TOKEN, messageContentEnabled: messageContent });
  const logs: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const discord = createDiscordApp({
    token: TOKEN,
    applicationId: fake.applicationId,
    apiUrl: fake.apiUrl,
    messageContent,
    bot: options.bot,
    log: createLogger({ level: "debug", destination }),
    ...(options.deferAfterMs !== undefined ? { deferAfterMs: options.deferAfterMs } : {}),
  });
  await discord.registerCommands(fake.guild.id);
  await discord.start();
  return {
    fake,
    discord,
    logs,
    async stop() {
      // The client first: a fake that closes under a live client makes it reconnect.
      await discord.stop();
      await fake.stop();
    },
  };
}
