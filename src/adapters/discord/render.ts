/**
 * Renders a core Reply as a Discord message body: one embed (title, answer, code blocks, fields,
 * footer) and rows of buttons, cut to Discord's limits, with mentions made inert twice over
 * (escaped text and `allowed_mentions: { parse: [] }`). The Reply's Markdown becomes Discord's
 * markdown in markup.ts.
 */
import { ButtonStyle, ComponentType, MessageFlags, type APIActionRowComponent, type APIButtonComponent, type APIEmbed } from "discord.js";
import type { Action, Reply, Tone } from "../../core/reply.js";
import { markdownToPlain } from "../../core/text/markdown.js";
import { escapeMentions } from "../../core/text/mentions.js";
import { encodeCustomId } from "./custom-id.js";
import { toDiscordMarkdown } from "./markup.js";
import { truncate } from "../../core/text/truncate.js";

export const LIMITS = {
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  total: 6000,
  label: 80,
  buttonsPerRow: 5,
  rows: 5,
} as const;

/** Nobody is pinged by anything the bot sends. */
export const NO_MENTIONS = { parse: [] as never[] };

const COLOURS: Record<Tone, number> = { info: 0x5865f2, success: 0x57f287, warning: 0xfee75c, error: 0xed4245 };

export interface DiscordMessageBody {
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
  allowed_mentions: { parse: never[] };
  /** MessageFlags.Ephemeral for private replies (only honoured in interaction responses). */
  flags?: number;
}

const safe = (text: string) => escapeMentions(text);

/** A fenced block that stays fenced when cut: the code is trimmed, never the closing fence. */
function fence(lang: string | undefined, text: string, room: number): string {
  const open = `\`\`\`${lang ?? ""}\n`;
  const close = "\n```";
  // A ``` inside the code would end the block early.
  const code = escapeMentions(text).replace(/```/g, "`\u200b``");
  const space = room - open.length - close.length;
  if (space < 20) return "";
  return `${open}${truncate(code, space)}${close}`;
}

function description(reply: Reply, max: number): string {
  let text = truncate(toDiscordMarkdown(reply.body), max);
  for (const block of reply.code ?? []) {
    const room = max - text.length - 2;
    const rendered = fence(block.lang, block.text, room);
    if (!rendered) break;
    text = `${text}\n\n${rendered}`;
  }
  return text;
}

function buttons(actions: Action[]): APIActionRowComponent<APIButtonComponent>[] {
  const list: APIButtonComponent[] = [];
  const seen = new Set<string>();
  for (const action of actions.slice(0, LIMITS.rows * LIMITS.buttonsPerRow)) {
    // Discord needs a label (or an emoji) on every button.
    const label = truncate(action.label.trim() || action.kind.replace(/_/g, " "), LIMITS.label);
    if (action.kind === "link") {
      if (action.url && /^https?:\/\//.test(action.url)) list.push({ type: ComponentType.Button, style: ButtonStyle.Link, label, url: action.url });
      continue;
    }
    const customId = encodeCustomId(action.kind, action.value ?? "");
    // Discord refuses two buttons with one custom id; the second would do the same anyway.
    if (!customId || seen.has(customId)) continue;
    seen.add(customId);
    const style = action.style === "danger" ? ButtonStyle.Danger : action.style === "primary" ? ButtonStyle.Primary : ButtonStyle.Secondary;
    list.push({ type: ComponentType.Button, style, label, custom_id: customId });
  }
  const rows: APIActionRowComponent<APIButtonComponent>[] = [];
  for (let i = 0; i < list.length; i += LIMITS.buttonsPerRow) {
    rows.push({ type: ComponentType.ActionRow, components: list.slice(i, i + LIMITS.buttonsPerRow) });
  }
  return rows;
}

function embedSize(embed: APIEmbed): number {
  const fields = (embed.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
  return (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0) + fields;
}

/** The message body for a Reply, within every Discord limit. */
export function renderEmbed(reply: Reply): DiscordMessageBody {
  const title = truncate(safe(reply.title), LIMITS.title);
  // Footers show no markdown: a link there becomes the title's link and its label stays as text.
  const link = reply.context ? /\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/.exec(reply.context) : null;
  const context = link ? reply.context!.replace(link[0], link[1]!) : reply.context;
  const footer = context ? truncate(safe(markdownToPlain(context)), LIMITS.footer) : undefined;
  const fields = (reply.fields ?? []).slice(0, LIMITS.fields).map((f) => ({
    name: truncate(safe(f.name), LIMITS.fieldName) || "\u200b",
    value: truncate(toDiscordMarkdown(f.value), LIMITS.fieldValue) || "\u200b",
    inline: f.inline ?? false,
  }));
  const embed: APIEmbed = {
    title,
    description: description(reply, LIMITS.description),
    color: COLOURS[reply.tone ?? "info"],
    ...(link && link[2]!.length <= 2048 ? { url: link[2] } : {}),
    ...(fields.length ? { fields } : {}),
    ...(footer ? { footer: { text: footer } } : {}),
  };
  // Over 6000 in all: drop fields from the end, then shorten the description.
  while (embedSize(embed) > LIMITS.total && embed.fields?.length) embed.fields.pop();
  if (embedSize(embed) > LIMITS.total) {
    const room = LIMITS.total - (embedSize(embed) - (embed.description?.length ?? 0));
    embed.description = description(reply, Math.max(room, 1));
  }
  if (!embed.description) delete embed.description;
  if (!embed.title) delete embed.title;
  return {
    embeds: [embed],
    components: buttons(reply.actions ?? []),
    allowed_mentions: NO_MENTIONS,
    ...(reply.private ? { flags: MessageFlags.Ephemeral } : {}),
  };
}
