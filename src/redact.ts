/**
 * Database connection strings carry passwords in two spellings: a URL (`postgres://app:PW@db/x`,
 * `?password=PW`) and libpq's key=value form (`host=db password=PW`). Either may turn up cut into
 * pieces inside a driver's error, so the password is blanked wherever such a shape appears, not
 * only where the whole configured string does.
 */
import { CENSOR } from "./censor.js";

/** `scheme://user:PASSWORD@` in any URL. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]*:)([^\s@'"]+)@/gi;
/** `password=PW`, `password = 'P W'`, `sslpassword="PW"` (libpq key=value and URL query parameters). */
const KEY_VALUE_PASSWORD = /\b((?:ssl)?pass(?:word|wd)?|pwd)(\s*=\s*)('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\s&;,'"]+)/gi;
/** A quick test so ordinary text skips the replacements. */
const MAYBE = /pass|pwd|:\/\/[^\s]*@/i;

/** `text` with every database password in it replaced by `[redacted]`. */
export function redactConnectionSecrets(text: string): string {
  if (!MAYBE.test(text)) return text;
  return text.replace(URL_PASSWORD, `$1${CENSOR}@`).replace(KEY_VALUE_PASSWORD, `$1$2${CENSOR}`);
}

/** The password inside a connection string, in either spelling, so it can be searched for on its own. */
export function passwordOf(connectionString: string): string | undefined {
  try {
    const url = new URL(connectionString);
    const fromQuery = url.searchParams.get("password");
    if (url.password) return decodeURIComponent(url.password);
    if (fromQuery) return fromQuery;
  } catch {
    // Not a URL: try the key=value form.
  }
  const match = /\bpassword\s*=\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\S+)/i.exec(connectionString);
  return match?.[1]?.replace(/^['"]|['"]$/g, "");
}

/** A name that says its value is a secret (`SECRET_KEY`, `AWS_SECRET_ACCESS_KEY`, `"api_key"`, `SLACK_BOT_TOKEN`). */
const SECRET_NAME = String.raw`[\w.-]*(?:token|secret|password|passwd|pwd|api[_-]?key|apikey|private[_-]?key|access[_-]?key|authorization|credentials?)[\w.-]*`;
/** `NAME=value`, `NAME: value`, `"name": "value"`, `NAME = 'value'`: the value of a secret-named key. */
const NAMED_SECRET = new RegExp(String.raw`(["']?\b${SECRET_NAME}["']?\s*[:=]\s*)("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|[^\s,;&"'{}]+)`, "gi");
/** Secrets recognisable by their shape wherever they appear: Slack, GitHub, Stripe, AWS, bearer tokens and JWTs. */
const SECRET_SHAPES = [
  // A connection string's password after chat text was made plain (`postgres[:]//app:PW@db`).
  /(\b[a-z][a-z0-9+.-]*\[:\]\/\/[^\s:/@'"]*:)[^\s@'"]+(?=@)/gi,
  /\bx(?:ox[abposr]|app)-[A-Za-z0-9-]{10,}/g,
  /\bgh[pousr]_[A-Za-z0-9]{20,}|\bgithub_pat_\w{20,}/g,
  /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}|\bwhsec_[A-Za-z0-9]{10,}/g,
  /\bAKIA[0-9A-Z]{16}\b/g,
  /(\bBearer\s+)[\w.~+/-]{10,}=*/gi,
  /\beyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/g,
];

/**
 * `text` a person pasted (a question, a traceback, a settings file) with what looks like a secret
 * blanked before railcache keeps it: database passwords, the values of secret-named keys, and
 * tokens of well-known shapes. Errs on blanking too much.
 */
export function redactPastedSecrets(text: string): string {
  // Shapes first: `Authorization: Bearer <token>` keeps its token's shape until the name's value is blanked.
  let out = redactConnectionSecrets(text);
  for (const shape of SECRET_SHAPES) out = out.replace(shape, (_match, prefix?: string) => (typeof prefix === "string" ? `${prefix}${CENSOR}` : CENSOR));
  return out.replace(NAMED_SECRET, (_match, name: string, value: string) => {
    const quote = value.startsWith('"') || value.startsWith("'") ? value[0] : "";
    return `${name}${quote}${CENSOR}${quote}`;
  });
}
