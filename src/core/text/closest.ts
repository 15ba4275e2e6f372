/**
 * "Did you mean": the names closest to what someone typed, for service and environment names,
 * command names, railcache.toml keys, railway.toml keys and environment variables. The distance
 * is optimal string alignment (damerau-levenshtein): Levenshtein plus adjacent transpositions,
 * so "wbe" is one edit from "web".
 */
import damerauLevenshtein from "damerau-levenshtein";

/** Edits between `a` and `b` (an adjacent swap counts as one). */
export function editDistance(a: string, b: string): number {
  return damerauLevenshtein(a, b).steps;
}

const lower = (s: string) => s.trim().toLowerCase();

/** Up to `max` names within a small edit distance of `input` (or starting with it), closest first, ignoring case. */
export function closest(input: string, candidates: string[], max = 3): string[] {
  const wanted = lower(input);
  const scored = [...new Set(candidates)]
    .map((name) => {
      const n = lower(name);
      const distance = n.startsWith(wanted) && wanted.length >= 2 ? 0.5 : editDistance(wanted, n);
      return { name, distance };
    })
    .filter(({ name, distance }) => distance <= Math.max(1, Math.floor(Math.max(wanted.length, name.length) / 3)))
    .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name));
  return scored.slice(0, max).map((s) => s.name);
}
