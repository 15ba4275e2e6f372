/**
 * Signals extracted from a message before routing: the error signatures of a pasted log, an
 * error a stale cache does not cause, and the text worth comparing (the prose and the error
 * lines of a long paste, not its traceback frames). Regexes here only extract; the router,
 * trained on the content's examples, decides what the signals mean.
 */
import { classifyLog } from "./classifier.js";
import { findNotCacheError } from "./not-cache.js";
import type { NotCacheError } from "./not-cache.js";
import type { SignatureMatch } from "./types.js";

export interface Signals {
  signatures: SignatureMatch[];
  /** An error a stale cache does not cause, when no stale-cache signature explains the log. */
  notCache: NotCacheError | null;
  /** Feature tokens for the router, e.g. "§sig:field_error", "§err:missing_package". */
  tokens: string[];
}

/** How much of a message with no prose and no error line is compared. */
const SHORT_INPUT_CHARS = 400;
const MAX_PROSE_CHARS = 600;
const MAX_ERROR_LINES = 4;

// Traceback frames, code lines and log noise: not prose.
const NOT_PROSE =
  /^(?:\s*File "|\s*Traceback \(|\s{2,}\S|\s*[~^]{2,}|\s*LINE \d+:|\s*During handling|\s*The above exception|\s*\w+(?:\.\w+)*(?:Error|Exception|Warning):|\s*\[?\d{4}-\d\d-\d\d[ T]\d)/;
// A log line's timestamp, process and level: Railway's log views ("2026-09-09T03:11:40.552Z [inf] "),
// gunicorn ("[2026-09-15 12:20:19 +0000] [1] [ERROR] "), Celery ("[2026-12-01 08:02:11,554: ERROR/MainProcess] ").
const LOG_PREFIX = /^\s*(?:\d{4}-\d\d-\d\dT[\d:.]+Z?|\[\d{4}-\d\d-\d\d[ T][^\]]*\])\s*(?:\[[^\]\n]{0,20}\]\s*)*/;
// A level in that prefix that makes the rest of the line an error line.
const ERROR_LEVEL = /\b(?:ERROR|CRITICAL|FATAL)\b/;
// A line of a pasted build or deploy log (BuildKit steps, a Nixpacks or Railpack plan, pip, migrate and
// gunicorn output): what the build did, not what the user asks. Its words (pip, install, migrate,
// gunicorn, requirements.txt) are in every such log and would outweigh the question.
const LOG_LINE =
  /^\s*(?:#\d+\s|=>\s|-{2,3}>|(?:Step|STEP) \d+\/\d+|\[(?:stage-|\s*\d+\/\d+\]|Region:|internal\])|[╔║╚╠╟│┃┌└├─═↳✓✔▸›]|={3,}|Using (?:Nixpacks|Railpack)|context: |Collecting\s|Requirement already satisfied|Downloading\s|Installing collected|Successfully (?:installed|built)|Using cached|Building wheels?|Operations to perform|Running migrations|Apply(?:ing)? \w+\.\d{4}|Starting (?:gunicorn|Container)|Listening at|Booting worker|Using worker|Indexing\.\.\.|Uploading\.\.\.)/;
// The line between two tracebacks of one chain.
const CHAINED = /^\s*(?:During handling of the above exception|The above exception was the direct cause)/;
// The line that names the exception: what a reader of a traceback looks at first.
const ERROR_LINE = /^\s*(?:[\w.]+\.)?\w*(?:Error|Exception|Warning|NotFound|DoesNotExist)\b:?|\berror:|\bERROR\b/;

export function extractSignals(cleaned: string): Signals {
  const signatures = classifyLog(cleaned);
  // A bare 500 says nothing about the cause; a code, settings or connection error does.
  const explained = signatures.some((s) => s.signature !== "prod_only_500");
  const notCache = explained ? null : findNotCacheError(cleaned);
  const tokens = signatures.map((s) => `§sig:${s.signature}`);
  if (notCache) tokens.push(`§err:${notCache.kind}`);
  return { signatures, notCache, tokens };
}

/**
 * The part of a message the router compares: its prose and the lines that name an error, without
 * traceback frames, build and deploy log lines, and code (they name files and libraries every traceback shares). A long paste
 * keeps its first prose and its last error lines.
 */
export function routingText(cleaned: string): string {
  let prose = "";
  const errors: string[] = [];
  for (const raw of cleaned.split("\n")) {
    // A logged line counts by what it says, without its timestamp; only an error is worth comparing.
    const prefix = LOG_PREFIX.exec(raw)?.[0] ?? "";
    const line = raw.slice(prefix.length);
    if (line.trim() === "") continue;
    // A chained traceback: the exception raised last is the one the user sees; the ones before are its context.
    if (CHAINED.test(line)) errors.length = 0;
    if (ERROR_LINE.test(line) || ERROR_LEVEL.test(prefix)) {
      errors.push(line.trim().slice(0, 300));
      if (errors.length > MAX_ERROR_LINES) errors.shift();
    } else if (prefix === "" && prose.length < MAX_PROSE_CHARS && !NOT_PROSE.test(line) && !LOG_LINE.test(line)) {
      prose += `${line}\n`;
    }
  }
  const text = `${prose.slice(0, MAX_PROSE_CHARS)}\n${errors.join("\n")}`;
  // Nothing but frames and code: compare what there is rather than nothing.
  return text.trim() === "" ? cleaned.slice(0, SHORT_INPUT_CHARS) : text;
}
