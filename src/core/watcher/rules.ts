/**
 * The watcher's rules as pure functions and data: which deployments deserve a card, what a
 * stale-cache failure looks like, what a burst of 5xx is. The Watcher class does the I/O.
 */
import { classifyLog } from "../kb/classifier.js";
import { findNotCacheError, type NotCacheError } from "../kb/not-cache.js";
import type { SignatureMatch } from "../kb/types.js";
import type { DeploymentStatus, LogLine } from "../ports/railway.js";
import { truncate } from "../text/truncate.js";

export interface WatcherRules {
  /** FAILED/CRASHED deployments get a card (stale-cache warning or a plain failure notice). */
  failures: { enabled: boolean; logTailLines: number };
  /** SUCCESS followed by a burst of HTTP 5xx: the guide's "mysterious 500s". */
  http5xx: { enabled: boolean; minCount: number; windowMs: number; watchForMs: number; checkEveryMs: number };
  /** NO_CACHE left set on a service longer than this. */
  noCache: { enabled: boolean; afterMs: number };
  /** A deployment in BUILDING longer than this. */
  building: { enabled: boolean; afterMs: number };
  /** A deployment waiting in NEEDS_APPROVAL longer than this. */
  approval: { enabled: boolean; afterMs: number };
  /** A service still configured from railway.toml / railway.json (read until 2026-12-01). */
  configFile: { enabled: boolean };
  /** Migrations that do not run on deploy, as the API shows (setup/checks.ts): warned once per service. */
  migrations: { enabled: boolean };
  /** After a new card for a service in an environment, no new card for it for this long. */
  cooldownMs: number;
  /** A deployment first seen already finished and older than this is history: no card. */
  ignoreOlderThanMs: number;
}

const minute = 60_000;

/** Defaults: every rule on. */
export function defaultWatcherRules(): WatcherRules {
  return {
    failures: { enabled: true, logTailLines: 200 },
    http5xx: { enabled: true, minCount: 10, windowMs: 5 * minute, watchForMs: 10 * minute, checkEveryMs: 5 * minute },
    noCache: { enabled: true, afterMs: 2 * 60 * minute },
    building: { enabled: true, afterMs: 20 * minute },
    approval: { enabled: true, afterMs: 0 },
    configFile: { enabled: true },
    migrations: { enabled: true },
    cooldownMs: 10 * minute,
    ignoreOlderThanMs: 60 * minute,
  };
}

export type WatcherRulesInput = { [K in keyof WatcherRules]?: WatcherRules[K] extends object ? Partial<WatcherRules[K]> : WatcherRules[K] };

/** Defaults overlaid with what railcache.toml tunes. */
export function resolveWatcherRules(input: WatcherRulesInput = {}): WatcherRules {
  const d = defaultWatcherRules();
  return {
    failures: { ...d.failures, ...input.failures },
    http5xx: { ...d.http5xx, ...input.http5xx },
    noCache: { ...d.noCache, ...input.noCache },
    building: { ...d.building, ...input.building },
    approval: { ...d.approval, ...input.approval },
    configFile: { ...d.configFile, ...input.configFile },
    migrations: { ...d.migrations, ...input.migrations },
    cooldownMs: input.cooldownMs ?? d.cooldownMs,
    ignoreOlderThanMs: input.ignoreOlderThanMs ?? d.ignoreOlderThanMs,
  };
}

/** Lifecycle order, so an out-of-order delivery ("BUILDING" after "FAILED") can be recognised as old. */
const rank: Record<DeploymentStatus, number> = {
  QUEUED: 0,
  WAITING: 0,
  NEEDS_APPROVAL: 1,
  INITIALIZING: 2,
  BUILDING: 3,
  DEPLOYING: 4,
  SUCCESS: 5,
  FAILED: 5,
  CRASHED: 6, // a SUCCESS deployment can crash later
  SKIPPED: 5,
  SLEEPING: 6,
  REMOVING: 7,
  REMOVED: 8,
};

/** True when `next` is older in the lifecycle than `seen` (a late or replayed delivery). */
export function isOlderStatus(next: DeploymentStatus, seen: DeploymentStatus): boolean {
  if (seen === "SLEEPING" && next === "SUCCESS") return false; // a sleeping app wakes up
  return rank[next] < rank[seen];
}

export const failedStatuses: ReadonlySet<DeploymentStatus> = new Set(["FAILED", "CRASHED"]);

/** Signatures that point at a stale build cache (not at missing migrations or a bare 500). */
export function staleCacheMatches(matches: SignatureMatch[]): SignatureMatch[] {
  return matches.filter((m) => m.cause === "stale_cache" && m.signature !== "prod_only_500");
}

export type FailureDiagnosis =
  | { kind: "stale_cache"; matches: SignatureMatch[] }
  /** `lines`: the last error lines, to show what went wrong; `cause`: what they say it is, when known. */
  | { kind: "plain"; lines: string[]; matches: SignatureMatch[]; cause: NotCacheError | null };

/** Classifies a failed deployment from its build and deploy log tails. */
export function diagnoseFailure(buildLogs: LogLine[], deployLogs: LogLine[]): FailureDiagnosis {
  const text = [...buildLogs, ...deployLogs].map((l) => l.message).join("\n");
  const matches = classifyLog(text);
  const stale = staleCacheMatches(matches);
  if (stale.length > 0) return { kind: "stale_cache", matches: stale };
  return { kind: "plain", lines: lastErrorLines([...buildLogs, ...deployLogs]), matches, cause: findNotCacheError(text) };
}

/** The last few lines that look like the error (severity error, else the tail). */
export function lastErrorLines(lines: LogLine[], max = 8): string[] {
  const errors = lines.filter((l) => l.severity === "error" || /error|exception|traceback/i.test(l.message));
  const picked = (errors.length > 0 ? errors : lines).slice(-max);
  return picked.map((l) => truncate(l.message, 300));
}

export interface HttpLogEntry {
  status: number;
  path: string;
  timestamp: string;
}

export interface FiveXxBurst {
  count: number;
  /** Most frequent failing paths, most first. */
  paths: { path: string; count: number }[];
  firstAt: string;
  lastAt: string;
}

/** Finds `minCount` or more 5xx responses within any `windowMs`; null when there is no such burst. */
export function findFiveXxBurst(entries: HttpLogEntry[], options: { minCount: number; windowMs: number }): FiveXxBurst | null {
  const errors = entries
    .filter((e) => e.status >= 500 && e.status <= 599)
    .map((e) => ({ ...e, at: Date.parse(e.timestamp) }))
    .filter((e) => Number.isFinite(e.at))
    .sort((a, b) => a.at - b.at);
  let start = 0;
  for (let end = 0; end < errors.length; end += 1) {
    while (errors[end]!.at - errors[start]!.at > options.windowMs) start += 1;
    if (end - start + 1 >= options.minCount) {
      const inBurst = errors.slice(start);
      const byPath = new Map<string, number>();
      for (const e of inBurst) byPath.set(e.path, (byPath.get(e.path) ?? 0) + 1);
      return {
        count: inBurst.length,
        paths: [...byPath]
          .map(([path, count]) => ({ path, count }))
          .sort((a, b) => b.count - a.count)
          .slice(0, 5),
        firstAt: inBurst[0]!.timestamp,
        lastAt: inBurst[inBurst.length - 1]!.timestamp,
      };
    }
  }
  return null;
}
