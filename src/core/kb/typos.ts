/**
 * Spells out chat abbreviations ("db", "env var") and repairs misspellings of the few words that decide whether a message is about Railway build
 * caches at all ("cahce", "biuld", "migratoins"). Full-text search has its own fuzzy matching;
 * this runs before the topic check and the synonym rules, which use exact patterns.
 */
const ANCHORS = [
  "cache", "cached", "caching", "build", "builds", "building", "rebuild", "deploy", "deploys", "deployed",
  "deployment", "redeploy", "railway", "nixpacks", "railpack", "migrate", "migration", "migrations",
  "requirements", "stale", "production", "install", "clear", "clean", "dashboard", "deprecated",
  "deprecation", "settings", "database", "restructure", "installed_apps", "import", "imports", "models",
];
const ANCHOR_SET = new Set(ANCHORS);
/** Real words one edit away from an anchor: never "corrected". */
const REAL_WORDS = new Set([
  "state", "stage", "stable", "stole", "scale", "style", "store", "modal", "model", "modes", "field", "fields",
  "cashed", "catch", "cause", "built", "guild", "cheer", "clean", "clear", "error", "every", "event",
  "imposts", "impart", "deplore", "deploy", "reinstall", "install", "instill", "migrant", "migrants", "bills",
  "bidet", "buildx", "railways", "caches", "cacheable", "redeploys", "rebuilds", "setting",
]);

/** Chat abbreviations spelled out, so patterns and search see the knowledge base's words. */
const ABBREVIATIONS: Record<string, string> = {
  db: "database", dbs: "databases", env: "environment", envs: "environments", var: "variable", vars: "variables",
  cmd: "command", cmds: "commands", deps: "dependencies", dep: "dependency", reqs: "requirements", req: "requirement",
  prod: "production", svc: "service", svcs: "services", repo: "repository", migs: "migrations", pkg: "package",
  pkgs: "packages", cfg: "config",
};
const SHORT_WORD = /\b[a-z]{2,4}\b/g;
/** Real four-letter words one deletion (after the first letter) away from a five-letter anchor. */
const REAL_SHORT_WORDS = new Set(["clan", "sale"]);
/** Four-letter typos of five-letter anchors: one letter dropped ("buid", "cahe"). */
const DROPPED_LETTER = new Map<string, string>();
for (const anchor of ANCHORS) {
  if (anchor.length !== 5) continue;
  for (let i = 1; i < anchor.length; i++) {
    const typo = anchor.slice(0, i) + anchor.slice(i + 1);
    if (!REAL_SHORT_WORDS.has(typo)) DROPPED_LETTER.set(typo, anchor);
  }
}
const WORD = /[a-z_]{5,}/g;

// "cash" is a real word, but next to build/clear words it is the cache.
const CASH_FOR_CACHE = /\b(build|clear|clean|wipe|purge|nuke|reset|flush|the) cash\b/g;

/** `lower` with abbreviations followed by their long form and misspelt anchor words replaced. */
export function correctTypos(lower: string): string {
  return lower.replace(CASH_FOR_CACHE, "$1 cache").replace(SHORT_WORD, (word) => {
      // Keep the abbreviation too: the knowledge base quotes some ("cmds = [...]").
      const full = ABBREVIATIONS[word];
      if (full && full !== word) return `${word} ${full}`;
      return DROPPED_LETTER.get(word) ?? word;
    }).replace(WORD, (word) => {
    if (ANCHOR_SET.has(word) || REAL_WORDS.has(word)) return word;
    const maxDistance = word.length >= 8 ? 2 : 1;
    for (const anchor of ANCHORS) {
      if (Math.abs(anchor.length - word.length) > maxDistance) continue;
      // Typos rarely touch the first letter except by swapping it with the second.
      if (anchor[0] !== word[0] && anchor[0] !== word[1]) continue;
      if (damerauLevenshtein(word, anchor, maxDistance) <= maxDistance) return anchor;
    }
    return word;
  });
}

/** Optimal-string-alignment distance, abandoned once every cell of a row exceeds `limit`. */
function damerauLevenshtein(a: string, b: string, limit: number): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  let prevPrev = new Array<number>(cols).fill(0);
  let prev = Array.from({ length: cols }, (_, j) => j);
  for (let i = 1; i < rows; i++) {
    const row = new Array<number>(cols);
    row[0] = i;
    let rowMin = i;
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, prevPrev[j - 2]! + 1);
      row[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return limit + 1;
    prevPrev = prev;
    prev = row;
  }
  return prev[cols - 1]!;
}
