/**
 * What "a live mention" looks like in what railcache sends, per platform, and text arbitraries
 * full of them (mentions, zero-width characters, unicode, huge pastes) for the fuzz tests.
 */
import fc from "fast-check";
import type { DiscordMessageBody } from "../../src/adapters/discord/render.js";
import type { SlackMessage } from "../../src/adapters/slack/render.js";

/** Slack notifies for these tokens in message text (mrkdwn and the fallback `text`). */
const SLACK_LIVE = [/<!(channel|here|everyone)(\|[^>]*)?>/i, /<!subteam\^[A-Z0-9]+/i, /<@[UWB][A-Z0-9]+(\|[^>]*)?>/i];
/** Discord renders (and, without allowed_mentions, pings) these. */
const DISCORD_LIVE = [/@(everyone|here)\b/i, /<@[!&]?\d+>/];

/** Every string inside a JSON-like value. */
export function stringsOf(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value && typeof value === "object") return Object.values(value).flatMap(stringsOf);
  return [];
}

/** The live Slack mentions in a rendered message (empty when it is safe to post). */
export function liveSlackMentions(message: SlackMessage): string[] {
  return stringsOf(message).flatMap((text) => SLACK_LIVE.flatMap((re) => re.exec(text)?.[0] ?? []));
}

/** The live Discord mentions in a rendered message body, or the reason it could ping. */
export function liveDiscordMentions(body: DiscordMessageBody): string[] {
  const found = stringsOf({ embeds: body.embeds, components: body.components }).flatMap((text) => DISCORD_LIVE.flatMap((re) => re.exec(text)?.[0] ?? []));
  if (body.allowed_mentions.parse.length !== 0) found.push(`allowed_mentions.parse = ${JSON.stringify(body.allowed_mentions.parse)}`);
  return found;
}

export const mentionTokens = [
  "<!channel>",
  "<!here>",
  "<!everyone>",
  "<!here|here>",
  "<!subteam^S0OPS|@ops>",
  "<@U123>",
  "<@U0ALICE|alice>",
  "<@W0ABC>",
  "@everyone",
  "@here",
  "@channel",
  "@Everyone",
  "<@123456789012345678>",
  "<@!123456789012345678>",
  "<@&112233445566778899>",
  "@\u200beveryone",
  "<\u200b!channel>",
  "\u200b",
  "\u200d",
  "\u2060",
  "\ufeff",
  "&lt;!channel&gt;",
  "```",
  "`",
  "*",
  "_",
  "~",
  "[click](https://example.com/<!here>)",
  "[<!channel>](https://example.com)",
  "<https://example.com|@here>",
  "\n",
  " ",
  "\t",
];

const topical = [
  "stale build cache",
  "NO_CACHE",
  "requirements.txt",
  "why does my Django build still use the old requirements?",
  "django.core.exceptions.FieldError: Invalid field name(s) given in select_related: 'customer'",
  "ModuleNotFoundError: No module named 'psycopg'",
  "clear",
  "web",
  "production",
  "--env",
  "env=staging",
  "railway.toml",
  "Traceback (most recent call last):",
  '  File "/app/shop/views.py", line 42, in checkout',
];

/** One fragment of chat text: a mention, a topical phrase, or arbitrary unicode. */
const fragment = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...mentionTokens) },
  { weight: 2, arbitrary: fc.constantFrom(...topical) },
  { weight: 3, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 20 }) },
);

/** Chat text mixing mentions, unicode and topical words; now and then a huge paste (up to 50k chars). */
export const chatText = fc.oneof(
  { weight: 8, arbitrary: fc.array(fragment, { maxLength: 25 }).map((parts) => parts.join(" ")) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.array(fragment, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1_000, max: 50_000 })).map(([parts, size]) => {
      const unit = `${parts.join(" ")}\n`;
      return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
    }),
  },
);
