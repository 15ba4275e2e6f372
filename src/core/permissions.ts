/**
 * The one table of what each `/railcache` command and each button needs from the policy. BotCore
 * looks a request up here and runs `decide()` before dispatching it (a precondition, the way
 * command frameworks run them in their pipeline rather than in each handler).
 */
import { commands, type CommandName, type Permission } from "./commands.js";
import type { ActionKind } from "./reply.js";

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
  link: "ask",
  mute: "mute",
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
