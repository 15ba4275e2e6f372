/**
 * What a person typed, made safe to show back in a public answer: no control characters (NUL,
 * bidi overrides that reverse how a line reads), and no link. A Markdown link becomes
 * `label (address)` with the address defanged (`https[:]//evil[.]example/x`), so neither Slack
 * nor Discord turns it into something to click, and a misleading label cannot hide where it goes.
 */

/** C0 and C1 controls except tab and newline (carriage returns become newlines first). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
/** Bidi marks, embeddings, overrides and isolates, and the Arabic letter mark. */
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
const MARKDOWN_LINK = /\[([^\]\n]*)\]\(\s*<?([^()\s<>]+)>?\s*(?:"[^"\n]*")?\)/g;
const URL = /\b([a-z][a-z0-9+.-]{1,15}):\/\/([^\s/?#<>()]+)/gi;

/** A URL as text nobody can click: the scheme's colon and the host's dots bracketed. */
function defang(scheme: string, host: string): string {
  return `${scheme}[:]//${host.replace(/\./g, "[.]")}`;
}

/** `text` without control characters, and with every link turned into plain, unclickable text. */
export function plainUserText(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(CONTROL, "")
    .replace(BIDI, "")
    .replace(MARKDOWN_LINK, (_m, label: string, url: string) => (label.trim() ? `${label} (${url})` : url))
    .replace(URL, (_m, scheme: string, host: string) => defang(scheme, host));
}
