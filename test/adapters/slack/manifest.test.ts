import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { load } from "js-yaml";
import { botEvents, botScopes, renderManifest, slashCommand, webApiMethods } from "../../../src/adapters/slack/manifest.js";

const root = join(import.meta.dirname, "../../..");
const adapterDir = join(root, "src/adapters/slack");
const source = readdirSync(adapterDir)
  .filter((f) => f.endsWith(".ts"))
  .map((f) => readFileSync(join(adapterDir, f), "utf8"))
  .join("\n");

type Manifest = {
  features: { slash_commands: Array<{ command: string; url?: string }> };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { request_url?: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url?: string };
    socket_mode_enabled: boolean;
  };
};

describe("Slack app manifest", () => {
  it("is checked in exactly as `railcache manifest slack` prints it (regenerate with that command)", () => {
    expect(readFileSync(join(root, "manifests/slack-app.yaml"), "utf8")).toBe(renderManifest({ socket: false }));
  });

  it("asks for the scopes of the events, Web API methods and command the code uses, and nothing more", () => {
    // Web API calls in the adapter's source: client.chat.postMessage(...), this.client.chat.update(...).
    const called = new Set([...source.matchAll(/client\.([a-z]+)\.([a-zA-Z]+)\(/g)].map((m) => `${m[1]}.${m[2]}`));
    called.add("auth.test"); // app.init() calls it to learn the bot's own ids
    expect([...called].sort()).toEqual(Object.keys(webApiMethods).sort());
    // Events the listeners subscribe to, by name or by /^(a|b)$/; plain `message` is narrowed to DMs in code.
    const names = [...source.matchAll(/app\.event\("([a-z_.]+)"/g)].map((m) => m[1] as string);
    const patterns = [...source.matchAll(/app\.event\(\/\^\(([a-z_.|]+)\)\$\//g)].flatMap((m) => (m[1] as string).split("|"));
    const listened = [...names, ...patterns].map((name) => (name === "message" ? "message.im" : name));
    expect(listened.sort()).toEqual(Object.keys(botEvents).sort());
    expect(source).toContain('event.channel_type !== "im"');
    const manifest = load(renderManifest({ socket: false })) as Manifest;
    expect(manifest.settings.event_subscriptions.bot_events.sort()).toEqual(listened.sort());
    expect(manifest.oauth_config.scopes.bot).toEqual(botScopes());
    expect(manifest.oauth_config.scopes.bot.sort()).toEqual(["app_mentions:read", "chat:write", "commands", "im:history", "usergroups:read"]);
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual([slashCommand]);
    expect(source).toContain("app.command(slashCommand");
    expect(manifest.settings.interactivity.is_enabled).toBe(source.includes("app.action("));
  });

  it("points every request URL at /slack/events on the given host in HTTP mode", () => {
    const manifest = load(renderManifest({ socket: false, url: "https://bot.example.org/" })) as Manifest;
    const url = "https://bot.example.org/slack/events";
    expect(manifest.features.slash_commands[0]?.url).toBe(url);
    expect(manifest.settings.event_subscriptions.request_url).toBe(url);
    expect(manifest.settings.interactivity.request_url).toBe(url);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });

  it("has no request URLs and turns Socket Mode on with --socket", () => {
    const text = renderManifest({ socket: true, url: "https://ignored.example.org" });
    const manifest = load(text) as Manifest;
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(text).not.toContain("request_url");
    expect(manifest.features.slash_commands[0]?.url).toBeUndefined();
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
  });
});
