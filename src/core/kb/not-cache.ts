/**
 * Recognises deploy errors that a stale build cache does not cause: a bug in the code itself,
 * a missing setting or variable, a port or database connection problem, a dependency that
 * cannot be installed, a third-party package missing from requirements.txt. When a pasted log
 * shows one of these and no stale-cache signature, the engine says so instead of selling a cache
 * clear.
 */
import { findMissingPackage, missingPackageAdvice } from "./missing-package.js";

export interface NotCacheError {
  /** Stable kind, e.g. "syntax": the answer engine uses it as a feature. */
  kind: NotCacheKind;
  /** Short human label, e.g. "a syntax error in the code". */
  label: string;
  /** The line that showed it, trimmed. */
  line: string;
  /** What to do instead, when the error says exactly what to fix. */
  advice?: string;
}

export type NotCacheKind =
  | "syntax"
  | "setting"
  | "startup"
  | "out_of_memory"
  | "db_connection"
  | "data"
  | "dependency"
  | "host"
  | "circular_import"
  | "code_bug"
  | "missing_package"
  | "package_version";

interface NotCacheRule {
  kind: NotCacheKind;
  label: string;
  pattern: RegExp;
}

const RULES: readonly NotCacheRule[] = [
  {
    kind: "syntax",
    label: "a syntax error in the code",
    pattern: /\b(?:SyntaxError|IndentationError|TabError|TemplateSyntaxError)\b|\b(?:syntax|indentation) error\b/i,
  },
  {
    kind: "setting",
    label: "a missing setting or environment variable",
    pattern:
      /\bImproperlyConfigured\b|\bKeyError: ['"][A-Z][A-Z0-9_]{2,}['"]|\bos\.environ\[|\b(?:SECRET_KEY|DJANGO_SETTINGS_MODULE)\b.{0,40}\b(?:empty|not set|missing|must not)/,
  },
  {
    kind: "setting",
    label: "a missing setting or environment variable",
    pattern:
      /\b(?:missing|unset|undefined)\b.{0,20}\benv(?:ironment)? ?var(?:iable)?s?\b|\benv(?:ironment)? ?var(?:iable)?s?\b.{0,30}\b(?:is |are )?(?:missing|not set|undefined)\b/i,
  },
  {
    kind: "startup",
    label: "a port or start-up problem",
    pattern:
      /\bConnection in use:|\b[Aa]ddress already in use\b|\bApplication failed to respond\b|\bNo start command (?:could be|was) found\b|\bWORKER TIMEOUT\b|\bWorker \(pid:\d+\) was sent SIGTERM|\b(?:bind|binding|listen(?:ing)?) (?:to |on )?(?:the )?\$?port\b|\bport \d{2,5} (?:is )?(?:already )?in use/i,
  },
  {
    kind: "out_of_memory",
    label: "the process running out of memory",
    pattern: /\bWorker \(pid:\d+\) was sent SIGKILL|\bOut of memory\b|\bOOMKilled\b|exit code:? 137\b|\bsignal 9 \(SIGKILL\)|\bMemoryError\b/i,
  },
  {
    kind: "db_connection",
    label: "a database connection problem",
    pattern:
      /could not translate host name|\bconnection (?:refused|timed out)\b|could not connect to server|\bconnection to server at .{0,80} failed|password authentication failed|\bserver closed the connection unexpectedly|\bSSL SYSCALL error|too many (?:clients|connections)\b|\bremaining connection slots are reserved/i,
  },
  {
    kind: "data",
    label: "a data error (a constraint in the database)",
    pattern: /\bIntegrityError\b|\bviolates (?:unique|foreign key|not-null|check) constraint\b|\bduplicate key value\b/,
  },
  {
    kind: "dependency",
    label: "a dependency that cannot be installed",
    pattern:
      /Could not find a version that satisfies the requirement|No matching distribution found for|\bResolutionImpossible\b|Failed building wheel for|\bsubprocess-exited-with-error\b|pg_config executable not found|conflicting dependencies/i,
  },
  {
    kind: "host",
    label: "a host or CSRF setting",
    pattern: /\bDisallowedHost\b|Invalid HTTP_HOST header|add ['"][^'"]+['"] to ALLOWED_HOSTS|CSRF verification failed|Origin checking failed/,
  },
  { kind: "circular_import", label: "a circular import in the code", pattern: /partially initialized module|\bcircular import\b/i },
  {
    kind: "code_bug",
    label: "a bug in the code",
    pattern:
      /\bTypeError: (?:unsupported operand|can only concatenate|'NoneType' object|'\w+' object is not (?:subscriptable|callable|iterable))|\bNameError: name '\w+' is not defined|\bZeroDivisionError\b|\bValueError: invalid literal\b|\bRecursionError\b/,
  },
];

// One cheap test per line before the specific rules run.
const PREFILTER =
  /error|port|var|circular|partially|Exception|environ|in use|respond|start command|TIMEOUT|SIG|memory|MemoryError|OOM|137|host|connect|SSL|clients|slots|constraint|duplicate|satisf|distribution|wheel|pg_config|conflict|CSRF|Origin|SECRET_KEY|SETTINGS_MODULE/i;

const MAX_SCAN_CHARS = 100_000;
const MAX_LINE_CHARS = 1_000;
const MAX_SHOWN_LINE = 160;

/** The first error in `text` (lines scanned from the end: the last error is the one that failed the deploy). */
export function findNotCacheError(text: string): NotCacheError | null {
  const scanned = text.length > MAX_SCAN_CHARS ? text.slice(text.length - MAX_SCAN_CHARS) : text;
  const lines = scanned.split("\n").map((raw) => (raw.length > MAX_LINE_CHARS ? raw.slice(0, MAX_LINE_CHARS) : raw));
  // A missing package goes first: Django wraps it in errors another rule would name
  // ("ImproperlyConfigured: WSGI application 'config.wsgi.application' could not be loaded").
  return findLast(lines, missingPackageError) ?? findLast(lines, ruleError);
}

function findLast(lines: string[], recognise: (line: string) => NotCacheError | null): NotCacheError | null {
  for (let i = lines.length - 1; i >= 0; i--) {
    const found = recognise(lines[i]!);
    if (found) return found;
  }
  return null;
}

function missingPackageError(line: string): NotCacheError | null {
  const missing = findMissingPackage(line);
  if (!missing) return null;
  const kind = missing.missingPart ? "package_version" : "missing_package";
  const label = missing.missingPart ? "a Python package at the wrong version" : "a Python package missing from requirements.txt";
  return { kind, label, line: shown(line), advice: missingPackageAdvice(missing) };
}

function ruleError(line: string): NotCacheError | null {
  if (!PREFILTER.test(line)) return null;
  const rule = RULES.find((candidate) => candidate.pattern.test(line));
  return rule ? { kind: rule.kind, label: rule.label, line: shown(line) } : null;
}

function shown(line: string): string {
  const trimmed = line.trim();
  return trimmed.length > MAX_SHOWN_LINE ? `${trimmed.slice(0, MAX_SHOWN_LINE)}…` : trimmed;
}
