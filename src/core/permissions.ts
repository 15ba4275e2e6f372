/**
 * The one table of what each `/railcache` command and each button needs from the policy. BotCore
 * looks a request up here and runs `decide()` before dispatching it (a precondition, the way
 * command frameworks run them in their pipeline rather than in each handler).
 */
import { commands, type CommandName, type ParsedCommand, type Permission } from "./commands.js";
import { approversText, decide, mayConfirm, unaliasService, type Approvers, type Policy } from "./policy/policy.js";
import type { Actor } from "./ports/chat.js";
import type { ActionKind } from "./reply.js";
import type { WorkflowEngine, WorkflowKind } from "./workflow/engine.js";

/**
 * What a button needs. "workflow": the permission of the clear or redeploy it acts on, and for a
 * confirmation also the workflow's approval rule (requester, or a second person).
 */
export const actionPermissions = {
  clear: "clear",
  redeploy: "redeploy",
  confirm: "workflow",
  cancel: "workflow",
  see_more: "ask",
  show_answer: "ask",
  link: "ask",
  mute: "mute",
  // Undoing a mute is muting's other half: the same people may do it.
  unmute: "mute",
  // Removing NO_CACHE changes a variable, which redeploys the service.
  remove_no_cache: "redeploy",
} as const satisfies Record<ActionKind, Permission | "workflow">;

const commandPermissions = new Map<string, Permission>(commands.map((c) => [c.name, c.permission]));

/** The permission a command needs (every command in the registry declares one). */
export function commandPermission(name: CommandName): Permission {
  const permission = commandPermissions.get(name);
  if (!permission) throw new Error(`command ${name} declares no permission`);
  return permission;
}

/** What a request is, for the precondition: a question, a parsed command, or a button click. */
export type PermissionRequest =
  { via: "question" } | { via: "command"; command: ParsedCommand } | { via: "button"; kind: ActionKind; value: string; target?: WarningTarget };

export interface WarningTarget {
  service: string;
  environment: string;
}

/** Passed the precondition: the approval rule that applies (the prompt names the approvers). */
export interface Granted {
  approval: "requester" | "second_person";
  approvers?: Approvers;
}

export interface RefusedCheck {
  refused: string;
  /** Which rule refused: "[[allow]] rule 2", "second_approver", "requester_only". */
  rule: string;
  title?: string;
  permission?: Permission | WorkflowKind;
  service?: string;
  environment?: string;
}

/** `command:clear`, `button:mute`, `question`: what was attempted, for the audit log. */
export function describeRequest(request: PermissionRequest): string {
  if (request.via === "question") return "question";
  if (request.via === "command") return `command:${request.command.name}`;
  return `button:${request.kind}`;
}

/**
 * Whether `actor` may make `request` under the policy: the permission from the tables above,
 * scoped to the service and environment it acts on, and for a confirmation or a cancel the
 * workflow's own approval rule. Pure apart from reading the workflow; BotCore audits refusals.
 */
export async function checkPermission(
  request: PermissionRequest,
  actor: Actor,
  deps: { policy: Policy; workflows?: Pick<WorkflowEngine, "get"> },
): Promise<Granted | RefusedCheck> {
  const { policy } = deps;
  const scoped = (permission: Permission, service?: string, environment?: string): Granted | RefusedCheck => {
    const decision = decide(policy, actor, permission, service, environment);
    if (decision.allowed) return { approval: decision.approval, ...(decision.approvers ? { approvers: decision.approvers } : {}) };
    return {
      refused: decision.reason,
      rule: decision.rule,
      permission,
      ...(service !== undefined ? { service } : {}),
      ...(environment !== undefined ? { environment } : {}),
    };
  };
  const workflowScope = (service: string | undefined, env: string | undefined) =>
    service ? { service: unaliasService(policy, service), environment: env ?? policy.defaultEnvironment } : {};
  if (request.via === "question") return scoped("ask");
  if (request.via === "command") {
    const { name, args } = request.command;
    const permission = commandPermission(name);
    if (name === "clear" || name === "redeploy") {
      const where = workflowScope(args.service, args.env);
      return scoped(permission, where.service, where.environment);
    }
    if (name === "status" || name === "setup") return scoped(permission, args.service ? unaliasService(policy, args.service) : undefined, args.env);
    return scoped(permission);
  }
  const { kind, value } = request;
  const needs = actionPermissions[kind];
  if (kind === "clear" || kind === "redeploy") {
    const [service, env] = value.split("@");
    const where = workflowScope(service, env);
    return scoped(kind, where.service, where.environment);
  }
  if (kind === "mute" || kind === "unmute" || kind === "remove_no_cache") {
    const target = request.target;
    return target ? scoped(actionPermissions[kind], target.service, target.environment) : { approval: "requester" };
  }
  if (needs !== "workflow") return scoped(needs);
  // Confirm and cancel act on a workflow: its kind, place and approval rule decide.
  const wf = deps.workflows ? await deps.workflows.get(value) : null;
  if (!wf || wf.state !== "awaiting_confirmation") return { approval: "requester" }; // the engine explains
  const { kind: wfKind, serviceName: service, environmentName: environment, requester, approval } = wf.data;
  const approvers = wf.data.approvers ?? undefined;
  const isRequester = requester.platform === actor.platform && requester.userId === actor.userId;
  const place = { service, environment, permission: wfKind };
  if (kind === "cancel") {
    if (isRequester || (approval === "second_person" && mayConfirm("second_person", approvers, requester, actor).ok)) return { approval };
    const others = approval === "second_person" ? ` or an approver (${approversText(approvers)})` : "";
    return {
      ...place,
      title: "Not yours to cancel",
      refused: `Only the person who asked${others} can cancel this.`,
      rule: approval === "second_person" ? "second_approver" : "requester_only",
    };
  }
  // The requester's own permission may have been withdrawn (policy reloaded) since they asked.
  if (isRequester) {
    const own = scoped(wfKind, service, environment);
    if ("refused" in own) return own;
  }
  const confirmCheck = mayConfirm(approval, approvers, requester, actor);
  if (!confirmCheck.ok) {
    return { ...place, title: "Not yours to confirm", refused: confirmCheck.reason, rule: approval === "second_person" ? "second_approver" : "requester_only" };
  }
  return { approval, ...(approvers ? { approvers } : {}) };
}
