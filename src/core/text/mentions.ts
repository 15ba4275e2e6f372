/**
 * Neutralises everything that would notify people when a text is posted to Slack or Discord:
 * broadcast keywords, user, role and user-group mentions. Output stays readable ("@here"
 * becomes "@\u200bhere") but no longer pings anyone.
 */
const ZWSP = "\u200b";

// Slack special tokens: <!here>, <!channel>, <!everyone>, <!subteam^S123|@team>, <!here|here>.
const SLACK_SPECIAL = /<!(here|channel|everyone|subteam\^[A-Z0-9]+)(?:\|@?([^>]*))?>/gi;
// Slack and Discord user/role mentions: <@U123>, <@U123|name>, <@!123>, <@&123>.
const ID_MENTION = /<@([!&]?)([A-Za-z0-9]+)(?:\|([^>]*))?>/g;
// Bare broadcast words, the way Discord (and some Slack clients) read them.
const BARE_BROADCAST = /@(everyone|here|channel)\b/gi;

/** Returns `text` with every mention and broadcast made inert. */
export function escapeMentions(text: string): string {
  return text
    .replace(SLACK_SPECIAL, (_m, kind: string, label?: string) => {
      const name = kind.toLowerCase().startsWith("subteam") ? (label ?? "group") : kind;
      return `@${ZWSP}${name}`;
    })
    .replace(ID_MENTION, (_m, sigil: string, id: string, label?: string) => {
      const shown = label ?? (sigil === "&" ? `role-${id}` : id);
      return `@${ZWSP}${shown}`;
    })
    .replace(BARE_BROADCAST, (_m, word: string) => `@${ZWSP}${word}`);
}
