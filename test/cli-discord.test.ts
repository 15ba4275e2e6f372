/**
 * The Discord side of the command line, as a user runs it: `railcache register-commands`
 * against the fake Discord REST API, and `railcache manifest discord`.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDiscordCommands } from "../src/adapters/discord/commands.js";
import { startFakeDiscord, type FakeDiscord } from "./fakes/discord/server.js";

const root = path.resolve(import.meta.dirname, "..");
const TOKEN = "discord-test-bot-token";
let discord: FakeDiscord;

beforeAll(async () => {
  discord = await startFakeDiscord({ token: TOKEN });
});
afterAll(async () => {
  await discord.stop();
});

function railcache(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "src/cli.ts", ...args],
      { cwd: root, env: { PATH: process.env.PATH ?? "", ...env }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("railcache register-commands", () => {
  it("registers /railcache in one guild with a bulk overwrite, idempotently", async () => {
    const env = { DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: discord.applicationId, DISCORD_API_URL: discord.apiUrl };
    for (let i = 0; i < 2; i++) {
      const run = await railcache(["register-commands", "--guild", discord.guild.id], env);
      expect(run.stderr).not.toContain(TOKEN);
      expect(run.code).toBe(0);
    }
    const registered = discord.commands.guild.get(discord.guild.id) ?? [];
    expect(registered.map((c) => c.name)).toEqual(buildDiscordCommands().map((c) => c.name));
  });

  it("says what to set when the Discord variables are missing", async () => {
    const run = await railcache(["register-commands"], {});
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/DISCORD_TOKEN and DISCORD_APPLICATION_ID/);
  });
});

describe("manifests and registration as JSON", () => {
  it("prints the Discord invite and commands, and the Slack manifest, as JSON with --json", async () => {
    const discordRun = await railcache(["manifest", "discord", "--app-id", "123456789012345678", "--json"], {});
    expect(discordRun.code).toBe(0);
    const discordJson = JSON.parse(discordRun.stdout) as { inviteUrl: string; commands: { name: string }[] };
    expect(new URL(discordJson.inviteUrl).searchParams.get("client_id")).toBe("123456789012345678");
    expect(discordJson.commands.map((c) => c.name)).toEqual(buildDiscordCommands().map((c) => c.name));
    const slackRun = await railcache(["manifest", "slack", "--socket", "--json"], {});
    expect(slackRun.code).toBe(0);
    expect(JSON.parse(slackRun.stdout)).toMatchObject({ settings: { socket_mode_enabled: true } });
  });

  it("says where register-commands registered, on stdout, with no log line on stderr", async () => {
    const env = { DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: discord.applicationId, DISCORD_API_URL: discord.apiUrl };
    const run = await railcache(["register-commands", "--guild", discord.guild.id], env);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe(`Registered /railcache in server ${discord.guild.id}; it is there now.\n`);
    const json = await railcache(["register-commands", "--guild", discord.guild.id, "--json"], env);
    expect(JSON.parse(json.stdout)).toEqual({ registered: ["/railcache"], scope: "guild", guildId: discord.guild.id });
  });
});

describe("railcache manifest discord", () => {
  it("prints an invite URL with the bot and applications.commands scopes", async () => {
    const run = await railcache(["manifest", "discord", "--app-id", "123456789012345678"], {});
    expect(run.code).toBe(0);
    const url = new URL(/https:\/\/\S+/.exec(run.stdout)?.[0] ?? "");
    expect(url.searchParams.get("client_id")).toBe("123456789012345678");
    expect(url.searchParams.get("scope")?.split(" ").sort()).toEqual(["applications.commands", "bot"]);
  });
});
