/**
 * Recognises the errors a stale build cache (or a missed migration) produces in Django apps.
 * Exported on its own because the deploy watcher runs it over build and deploy log tails.
 */
import { findMissingPackage } from "./missing-package.js";
import type { SignatureId, SignatureMatch } from "./types.js";

interface SignatureRule {
  id: SignatureId;
  label: string;
  cause: SignatureMatch["cause"];
  /** How strongly the line alone says what went wrong (0..1): orders the signatures found. */
  weight: number;
  pattern: RegExp;
  /** Lines the pattern matches that this signature must still not count. */
  unless?: (line: string) => boolean;
}

/** Order matters: a line counts for the first rule it matches (a column error names a relation too). */
const RULES: readonly SignatureRule[] = [
  {
    id: "undefined_column",
    label: "database column missing (migrations not applied)",
    cause: "missing_migration",
    weight: 0.92,
    pattern: /\bUndefinedColumn\b|\bcolumn ["'`]?[\w.]+["'`]?(?: of relation ["'`]?[\w.]+["'`]?)? does not exist/i,
  },
  {
    id: "undefined_relation",
    label: "database table missing (migrations not applied)",
    cause: "missing_migration",
    weight: 0.92,
    pattern: /\bUndefinedTable\b|\brelation ["'`]?[\w.]+["'`]? does not exist|\btable ["'`]?[\w.]+["'`]? doesn't exist/i,
  },
  {
    id: "sqlite_missing",
    label: "database table or column missing (migrations not applied)",
    cause: "missing_migration",
    weight: 0.88,
    pattern: /\bno such (?:table|column):|\bUnknown column ['"`][\w.]+['"`] in/i,
  },
  {
    id: "field_error",
    label: "Django FieldError (a field the code expects is unknown)",
    cause: "stale_cache",
    weight: 0.95,
    pattern:
      /\bFieldError\b(?!\()|Invalid field name\(s\)|Cannot resolve keyword\b|Unknown field\(s\) \(.*\) specified for|has no field named\b|\bFieldDoesNotExist\b(?!\()/,
  },
  {
    id: "app_label",
    label: "model not in INSTALLED_APPS",
    cause: "stale_cache",
    weight: 0.95,
    pattern: /doesn't declare an explicit app_label|isn't in (?:an application in )?INSTALLED_APPS/,
  },
  {
    id: "missing_model",
    label: "Django app registry is missing a model",
    cause: "stale_cache",
    weight: 0.9,
    pattern: /App ['"`][\w.]+['"`] doesn't have an? ['"`]?\w+['"`]? model|\bLookupError:.*\bmodel\b|Related model ['"`][\w.]+['"`] cannot be resolved/i,
  },
  {
    id: "no_installed_app",
    label: "Django cannot find an installed app",
    cause: "stale_cache",
    weight: 0.9,
    pattern: /No installed app with label\b/,
  },
  {
    id: "import_error",
    label: "Python import fails",
    cause: "stale_cache",
    weight: 0.8,
    // A circular import is a bug in the code, not a stale build.
    pattern:
      /^(?!.*(?:partially initialized module|circular import))(?:.*\b(?:ImportError|ModuleNotFoundError)\b(?!\()|.*cannot import name ['"`]|.*No module named ['"`]?\w)/,
    // A third-party package missing from requirements.txt fails a clean build too (not-cache.ts answers it).
    unless: (line) => findMissingPackage(line) !== null,
  },
  {
    id: "app_registry",
    label: "Django app registry not ready",
    cause: "stale_cache",
    weight: 0.75,
    pattern: /\bAppRegistryNotReady\b|Apps aren't loaded yet/,
  },
];

// One cheap test per line before the specific rules run.
const PREFILTER = /Error|Exception|exist|no such|Unknown|keyword|app_label|INSTALLED_APPS|installed app|model|import|module|field|loaded yet/i;

const HTTP_500 =
  /(?<![$€£\d.,])\b(?:HTTP\/\d(?:\.\d)?\s+)?500s?\b(?!\s*(?:dollars?|usd|eur|gbp|mb|gb|kb|ms|seconds?|minutes?|hours?|users?|requests?|rows?|lines?|chars?|characters?|credits?|\/mo|per)\b)|\bInternal Server Error\b|\bServer Error \(500\)/i;
const PROD_CONTEXT = /\b(?:prod|production|railway|live|deployed|deploys?|deployment|only (?:on|in) (?:the )?(?:cloud|prod|server))\b/i;
const PROD_500_WEIGHT = 0.7;

/** Signature weight by id: orders the signatures of one log. */
export const SIGNATURE_WEIGHT: Readonly<Record<SignatureId, number>> = Object.fromEntries([
  ...RULES.map((rule) => [rule.id, rule.weight]),
  ["prod_only_500", PROD_500_WEIGHT],
]) as Record<SignatureId, number>;

const MAX_SCAN_CHARS = 100_000;
const MAX_LINE_CHARS = 1_000;
const MAX_LINES_PER_SIGNATURE = 3;
const MAX_SHOWN_LINE = 300;

/**
 * Finds known error signatures in a log or pasted traceback. Returns one entry per signature
 * (strongest first) with up to three of the lines that showed it. Only the last 100,000
 * characters are scanned, so a huge log tail costs bounded time.
 */
export function classifyLog(text: string): SignatureMatch[] {
  const scanned = text.length > MAX_SCAN_CHARS ? text.slice(text.length - MAX_SCAN_CHARS) : text;
  const found = new Map<SignatureId, SignatureMatch>();
  const http500Lines: string[] = [];

  for (const rawLine of scanned.split("\n")) {
    const line = rawLine.length > MAX_LINE_CHARS ? rawLine.slice(0, MAX_LINE_CHARS) : rawLine;
    if (PREFILTER.test(line)) {
      const rule = RULES.find((candidate) => candidate.pattern.test(line) && !candidate.unless?.(line));
      if (rule) {
        addLine(found, rule.id, rule.label, rule.cause, line);
        continue;
      }
    }
    if (http500Lines.length < MAX_LINES_PER_SIGNATURE && HTTP_500.test(line)) http500Lines.push(line);
  }
  if (http500Lines.length > 0 && PROD_CONTEXT.test(scanned)) {
    for (const line of http500Lines) addLine(found, "prod_only_500", "HTTP 500 errors in production", "stale_cache", line);
  }
  return [...found.values()].sort((a, b) => SIGNATURE_WEIGHT[b.signature] - SIGNATURE_WEIGHT[a.signature]);
}

function addLine(found: Map<SignatureId, SignatureMatch>, id: SignatureId, label: string, cause: SignatureMatch["cause"], line: string): void {
  let match = found.get(id);
  if (!match) {
    match = { signature: id, label, cause, lines: [] };
    found.set(id, match);
  }
  if (match.lines.length < MAX_LINES_PER_SIGNATURE) {
    const trimmed = line.trim();
    match.lines.push(trimmed.length > MAX_SHOWN_LINE ? `${trimmed.slice(0, MAX_SHOWN_LINE)}…` : trimmed);
  }
}
