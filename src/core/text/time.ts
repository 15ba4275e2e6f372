/**
 * The one way railcache writes a span of time and a time of day in messages: "40 s", "5 min",
 * "3 h", "2 d"; "5 min ago" (or "just now"); "14:05 UTC". Chat users are in every time zone, so
 * times of day are UTC and say so.
 */
const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;

/** "40 s" under a minute and a half, then "5 min" up to an hour and a half, "3 h" up to two days, then "2 d". */
export function formatSpan(ms: number): string {
  const span = Number.isFinite(ms) ? Math.max(0, ms) : 0;
  if (span < 90 * second) return `${Math.round(span / second)} s`;
  if (span < 90 * minute) return `${Math.round(span / minute)} min`;
  if (span < 48 * hour) return `${Math.round(span / hour)} h`;
  return `${Math.round(span / day)} d`;
}

/** How long ago something happened that is `ms` old: "just now" under a minute, else "5 min ago". */
export function formatAgo(ms: number): string {
  return !Number.isFinite(ms) || ms < minute ? "just now" : `${formatSpan(ms)} ago`;
}

/** The time of day of `epochMs`: "14:05 UTC". */
export function clockTime(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(11, 16)} UTC`;
}
