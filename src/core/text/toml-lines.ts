/**
 * Lines of keys in a TOML file (railcache.toml, railway.toml), for error messages that point at
 * the line to fix. The values themselves are parsed by @iarna/toml.
 */
/** A key path as parsers and zod report it: keys, and indexes into arrays of tables. */
export type KeyPath = (string | number)[];

/**
 * Finds the line a key path is defined on by scanning table headers and `key =` lines: TOML
 * parsers drop positions once parsing succeeds, and schema errors still deserve a line number.
 * By default the nearest line: the key's own, else the deepest table or key above it that is in
 * the file. With `exact`, only the key's own line (null when the file does not name it).
 */
export function tomlKeyLocator(text: string): (path: KeyPath, options?: { exact?: boolean }) => number | null {
  const entries: { path: KeyPath; line: number }[] = [];
  const arrayCounts = new Map<string, number>();
  let table: KeyPath = [];
  text.split(/\r?\n/).forEach((rawLine, index) => {
    const line = rawLine.trim();
    const arrayHeader = /^\[\[\s*([^\]]+?)\s*\]\]/.exec(line);
    const header = arrayHeader ? null : /^\[\s*([^\]]+?)\s*\]/.exec(line);
    if (arrayHeader?.[1]) {
      const key = splitKey(arrayHeader[1]).join(".");
      const n = arrayCounts.get(key) ?? 0;
      arrayCounts.set(key, n + 1);
      table = [...splitKey(arrayHeader[1]), n];
      entries.push({ path: table, line: index + 1 });
      return;
    }
    if (header?.[1]) {
      table = splitKey(header[1]);
      entries.push({ path: table, line: index + 1 });
      return;
    }
    const assignment = /^((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=/.exec(line);
    if (assignment?.[1]) entries.push({ path: [...table, ...splitKey(assignment[1])], line: index + 1 });
  });
  return (path, options = {}) => {
    if (options.exact) return entries.find((entry) => entry.path.length === path.length && entry.path.every((p, i) => p === path[i]))?.line ?? null;
    let best: { length: number; line: number } | null = null;
    for (const entry of entries) {
      if (entry.path.length > path.length) continue;
      if (!entry.path.every((p, i) => p === path[i])) continue;
      if (!best || entry.path.length > best.length) best = { length: entry.path.length, line: entry.line };
    }
    // A key only ever written as part of a longer header (`[[watcher.route]]`): the first line under it.
    return best?.line ?? entries.find((entry) => path.every((p, i) => entry.path[i] === p))?.line ?? null;
  };
}

function splitKey(key: string): string[] {
  return (key.match(/"[^"]*"|'[^']*'|[^.\s]+/g) ?? []).map((part) => part.replace(/^["']|["']$/g, ""));
}
