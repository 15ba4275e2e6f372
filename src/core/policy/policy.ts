/**
 * The permission policy (railcache.toml) as a typed object, and the one decision function
 * everything asks: may this person do this to this service in this environment, and who confirms?
 */
import type { Permission } from "../commands.js";
import type { Actor } from "../ports/chat.js";
import type { WatcherRulesInput } from "../watcher/rules.js";
import type { WatcherRoute } from "../watcher/watcher.js";

export interface AllowRule {
  /** Optional words for refusals ("production clears"); otherwise the rule is named by its position. */
  name?: string;
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

/**
 * Makes `live` the policy `next` in place. BotCore, the workflow engine and the rest all hold the
 * same Policy object, so a reload (SIGHUP) reaches every one of them at once, between two requests.
 */
export function adoptPolicy(live: Policy, next: Policy): void {
  Object.assign(live, next);
  if (!next.watcher) delete live.watcher;
}

export type Decision = { allowed: true; approval: "requester" | "second_person"; approvers?: Approvers } | { allowed: false; reason: string; rule: string };

/**
 * The service name an alias stands for (or the name itself). Own keys only: "toString" or
 * "constructor" typed as a service must not find Object.prototype's function.
 */
export function unaliasService(policy: Policy, name: string): string {
  const { aliases } = policy;
  const lower = name.toLowerCase();
  if (Object.hasOwn(aliases, name)) return aliases[name] as string;
  return Object.hasOwn(aliases, lower) ? (aliases[lower] as string) : name;
}

const matches = (list: string[], value: string | undefined) =>
  value === undefined || list.includes("*") || list.some((v) => v.toLowerCase() === value.toLowerCase());

function actorMatches(users: string[], groups: string[], actor: Actor): boolean {
  return users.includes("*") || users.includes(actor.userId) || actor.groups.some((g) => groups.includes(g));
}

/** How a refusal names a rule: its `name`, or its place in the file. Never the file's path. */
export function ruleLabel(policy: Policy, rule: AllowRule): string {
  const index = policy.allow.indexOf(rule) + 1;
  return rule.name ? `"${rule.name}" ([[allow]] rule ${index})` : `[[allow]] rule ${index}`;
}

/** `U0LEAD, U0DANA or members of S0OPS`: who a list lets in, in words. */
export function describeWho(list: Approvers): string {
  if (list.users.includes("*")) return "everyone";
  const users = list.users.join(", ");
  const groups = list.groups.length ? `members of ${list.groups.join(", ")}` : "";
  return [users, groups].filter(Boolean).join(" or ") || "nobody";
}

const what = (permission: Permission, service?: string, env?: string) =>
  `${permission}${service !== undefined ? ` \`${service}\`` : ""}${env !== undefined ? ` in ${env}` : ""}`;

/**
 * May `actor` use `permission` on `service` in `env`, and who has to confirm. Without a service or
 * environment (help, audit, status of everything) any rule granting the permission counts.
 */
export function decide(policy: Policy, actor: Actor, permission: Permission, service?: string, env?: string): Decision {
  const rules = policy.allow.filter((r) => r.permissions.includes(permission));
  if (rules.length) {
    const scoped = rules.filter((r) => matches(r.services, service) && matches(r.environments, env));
    if (!scoped.some((r) => actorMatches(r.users, r.groups, actor))) {
      if (!scoped.length) {
        const labels = rules.map((r) => ruleLabel(policy, r)).join(", ");
        return {
          allowed: false,
          rule: labels,
          reason: `Nobody may ${what(permission, service, env)}: no allow rule covers it (${labels} give${rules.length === 1 ? "s" : ""} ${permission} elsewhere).`,
        };
      }
      const limits = scoped.map((r) => `${describeWho(r)} by ${ruleLabel(policy, r)}`).join("; ");
      return {
        allowed: false,
        rule: scoped.map((r) => ruleLabel(policy, r)).join(", "),
        reason: `You are not on the list of people who may ${what(permission, service, env)}: it is limited to ${limits}.`,
      };
    }
  }
  if (env !== undefined && matches(policy.secondApprover.environments, env) && (permission === "clear" || permission === "redeploy")) {
    return { allowed: true, approval: "second_person", approvers: { users: policy.secondApprover.users, groups: policy.secondApprover.groups } };
  }
  return { allowed: true, approval: "requester" };
}

/** Who may approve a request of `requester` that needs a second person, in words. */
export function approversText(approvers: Approvers | undefined): string {
  const list = approvers ?? { users: [], groups: [] };
  return list.users.length === 0 && list.groups.length === 0 ? "anyone but the person who asked" : `${describeWho(list)} (not the person who asked)`;
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
  if (isRequester) {
    return { ok: false, reason: `This needs a second person: someone other than you has to approve it ([second_approver]: ${approversText(approvers)}).` };
  }
  const list = approvers ?? { users: [], groups: [] };
  const open = list.users.length === 0 && list.groups.length === 0;
  if (open || actorMatches(list.users, list.groups, confirmer)) return { ok: true };
  return { ok: false, reason: `You are not one of the approvers for this environment ([second_approver]: ${approversText(approvers)}).` };
}
