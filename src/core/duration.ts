/**
 * The one duration grammar of railcache, wherever a person writes a span of time: railcache.toml
 * (`cooldown = "1d"`), `/railcache audit 90s` and `railcache audit --since 2w`. Whole numbers with
 * the units ms, s, m, h, d and w, one or several in a row ("90s", "1h30m", "2 w"), in any case.
 */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const WHOLE = /^(?:\s*\d+\s*(?:ms|s|m|h|d|w))+\s*$/i;
const PART = /(\d+)\s*(ms|s|m|h|d|w)/gi;

/** How the grammar is explained in error messages. */
export const DURATION_HINT = "a number and a unit (ms, s, m, h, d, w), like 90s, 30m, 1h30m, 7d or 2w";

/** Milliseconds, or null when `text` is not in the grammar (or too large to count exactly). */
export function parseDuration(text: string): number | null {
  if (!WHOLE.test(text)) return null;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART)) total += Number(amount) * (UNIT_MS[(unit as string).toLowerCase()] as number);
  return Number.isSafeInteger(total) ? total : null;
}
