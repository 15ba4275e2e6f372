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
