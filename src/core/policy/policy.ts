/**
 * The permission policy (railcache.toml) as a typed object, and the one decision function
 * everything asks: may this person do this to this service in this environment, and who confirms?
 */
import type { Permission } from "../commands.js";
import type { Actor } from "../ports.js";
import type { WatcherRulesInput } from "../watcher/rules.js";
import type { WatcherRoute } from "../watcher/watcher.js";

export interface AllowRule {
  permissions: Permission[];
  users: string[];
  groups: string[];
  /** Service names, or "*" for all. */
  services: string[];
  /** Environment names, or "*" for all. */
  environments: string[];
}

/** Who may approve where a second person must. Both empty: anyone but the requester. */
export interface Approvers {
  users: string[];
  groups: string[];
}

/** The [watcher] section: what the deploy watcher polls, its rules, and where its cards go. */
export interface WatcherPolicy {
  pollIntervalMs?: number;
  /** Service names to watch; all when absent. */
  services?: string[];
  /** Environment names to watch; all when absent. */
  environments?: string[];
  /** Only what the file sets; the watcher's defaults fill in the rest. */
  rules: WatcherRulesInput;
  /** Tried in order; a card no route matches goes to the default warning channel. */
  routes: WatcherRoute[];
}

export interface Policy {
  defaultEnvironment: string;
  confirmationTtlMs: number;
  cooldownMs: number;
  /** alias -> service name */
  aliases: Record<string, string>;
  allow: AllowRule[];
  secondApprover: Approvers & { environments: string[] };
  /** Present when the file has a [watcher] section. */
  watcher?: WatcherPolicy;
  /** Where it came from: a file path, or "defaults". */
  source: string;
}

export const DEFAULT_CONFIRMATION_TTL_MS = 5 * 60_000;
export const DEFAULT_COOLDOWN_MS = 2 * 60_000;

/** The policy without a railcache.toml: anyone may ask and run; every run needs the requester's confirmation. */
export function defaultPolicy(): Policy {
  return {
    defaultEnvironment: "production",
    confirmationTtlMs: DEFAULT_CONFIRMATION_TTL_MS,
    cooldownMs: DEFAULT_COOLDOWN_MS,
    aliases: {},
    allow: [],
    secondApprover: { environments: [], users: [], groups: [] },
    source: "defaults",
  };
}

export type Decision =
  | { allowed: true; approval: "requester" | "second_person"; approvers?: Approvers }
  | { allowed: false; reason: string };

/** The service name an alias stands for (or the name itself). */
export function resolveService(policy: Policy, name: string): string {
  return policy.aliases[name] ?? policy.aliases[name.toLowerCase()] ?? name;
}

const matches = (list: string[], value: string) => list.includes("*") || list.some((v) => v.toLowerCase() === value.toLowerCase());

function actorMatches(users: string[], groups: string[], actor: Actor): boolean {
  return users.includes("*") || users.includes(actor.userId) || actor.groups.some((g) => groups.includes(g));
}

/** May `actor` use `permission` on `service` in `env`, and who has to confirm. */
export function decide(policy: Policy, actor: Actor, permission: Permission, service: string, env: string): Decision {
  const rules = policy.allow.filter((r) => r.permissions.includes(permission));
  if (rules.length) {
    const scoped = rules.filter((r) => matches(r.services, service) && matches(r.environments, env));
    if (!scoped.some((r) => actorMatches(r.users, r.groups, actor))) {
      return {
        allowed: false,
        reason: scoped.length
          ? `You are not on the list of people who may ${permission} \`${service}\` in ${env} (${policy.source}).`
          : `Nobody may ${permission} \`${service}\` in ${env} under the current policy (${policy.source}).`,
      };
    }
  }
  if (matches(policy.secondApprover.environments, env) && (permission === "clear" || permission === "redeploy")) {
    return { allowed: true, approval: "second_person", approvers: { users: policy.secondApprover.users, groups: policy.secondApprover.groups } };
  }
  return { allowed: true, approval: "requester" };
}

export type ConfirmCheck = { ok: true } | { ok: false; reason: string };

/** May `confirmer` confirm a request made by `requester` under this approval rule. */
export function mayConfirm(
  approval: "requester" | "second_person",
  approvers: Approvers | undefined,
  requester: Pick<Actor, "platform" | "userId">,
  confirmer: Actor,
): ConfirmCheck {
  const isRequester = confirmer.platform === requester.platform && confirmer.userId === requester.userId;
  if (approval === "requester") {
    return isRequester ? { ok: true } : { ok: false, reason: "Only the person who asked can confirm this." };
  }
  if (isRequester) return { ok: false, reason: "This needs a second person: someone other than you has to approve it." };
  const list = approvers ?? { users: [], groups: [] };
  const open = list.users.length === 0 && list.groups.length === 0;
  if (open || actorMatches(list.users, list.groups, confirmer)) return { ok: true };
  return { ok: false, reason: "You are not one of the approvers for this environment." };
}
