import { describe, expect, it } from "vitest";
import { buildDiscordCommands, discordCommandsManifest } from "../../../src/adapters/discord/commands.js";
import { commands } from "../../../src/core/commands.js";
import { checkCommands } from "../../fakes/discord/limits.js";

describe("Discord command definitions", () => {
  it("are one /railcache command with a subcommand for every registry entry", () => {
    const [root, ...others] = buildDiscordCommands() as { name: string; options: { name: string; type: number }[] }[];
    expect(others).toHaveLength(0);
    expect(root!.name).toBe("railcache");
    expect(root!.options.map((o) => o.name)).toEqual(commands.map((c) => c.name));
    expect(root!.options.every((o) => o.type === 1)).toBe(true);
  });

  it("mark service and env options for autocomplete, as the registry says", () => {
    const [root] = buildDiscordCommands() as { options: { name: string; options: { name: string; autocomplete?: boolean; required: boolean }[] }[] }[];
    for (const spec of commands) {
      const sub = root!.options.find((o) => o.name === spec.name)!;
      for (const arg of spec.args) {
        const option = sub.options.find((o) => o.name === arg.name)!;
        expect(option.required).toBe(arg.required);
        expect(option.autocomplete === true).toBe("autocomplete" in arg);
      }
    }
  });

  it("pass Discord's validation of command JSON", () => {
    expect(checkCommands(buildDiscordCommands())).toBeUndefined();
  });

  it("agree with manifests/discord-commands.json (update with `npx vitest run test/adapters/discord -u`)", async () => {
    await expect(discordCommandsManifest()).toMatchFileSnapshot("../../../manifests/discord-commands.json");
  });
});
