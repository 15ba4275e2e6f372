/**
 * The `/railcache` command JSON for Discord, built from the one command registry in core.
 * `manifests/discord-commands.json` is this output; a test keeps the two in step.
 */
import { ApplicationCommandOptionType, REST, Routes, type APIApplicationCommandSubcommandOption, type RESTPutAPIApplicationCommandsJSONBody } from "discord.js";
import { commands, type CommandSpec } from "../../core/commands.js";
import { truncate } from "../../core/text/truncate.js";

export const ROOT_COMMAND = "railcache";
const ROOT_DESCRIPTION = "Railway build-cache helper: answers, deploy status, guarded cache clears";

/** Discord's limit for descriptions; the registry's text is cut to fit rather than rejected. */

function subcommand(spec: CommandSpec): APIApplicationCommandSubcommandOption {
  // Discord requires required options first; the registry already orders them so, but keep it true.
  const args = [...spec.args].sort((a, b) => Number(b.required) - Number(a.required));
  return {
    type: ApplicationCommandOptionType.Subcommand,
    name: spec.name,
    description: truncate(spec.description, 100),
    options: args.map((arg) => ({
      type: ApplicationCommandOptionType.String as const,
      name: arg.name,
      description: truncate(arg.description, 100),
      required: arg.required,
      ...(arg.autocomplete ? { autocomplete: true } : {}),
      // Free text (ask) may be long; names are short.
      max_length: arg.rest ? 6000 : 100,
    })),
  };
}

/** One chat-input command `/railcache` with a subcommand per registry entry, for a bulk overwrite. */
export function buildDiscordCommands(): RESTPutAPIApplicationCommandsJSONBody {
  return [
    {
      type: 1,
      name: ROOT_COMMAND,
      description: ROOT_DESCRIPTION,
      // Guild-only: the bot acts on a team's project, not in DMs.
      contexts: [0],
      options: commands.map(subcommand),
    },
  ];
}

/** The text of manifests/discord-commands.json. */
export function discordCommandsManifest(): string {
  return `${JSON.stringify(buildDiscordCommands(), null, 2)}\n`;
}

/** Idempotent bulk overwrite of `/railcache`, globally or in one guild (instant). REST only: no gateway. */
export async function registerCommands(options: { token: string; applicationId: string; apiUrl?: string; guildId?: string; rest?: REST }): Promise<void> {
  const rest = options.rest ?? new REST({ version: "10", ...(options.apiUrl ? { api: options.apiUrl } : {}) }).setToken(options.token);
  const route = options.guildId ? Routes.applicationGuildCommands(options.applicationId, options.guildId) : Routes.applicationCommands(options.applicationId);
  await rest.put(route, { body: buildDiscordCommands() });
}
