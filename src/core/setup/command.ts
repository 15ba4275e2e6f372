/** `/railcache setup [service] [env]` in core: fetch the facts, keep what the asker may see, build the reply. */
import type { RailwayApi } from "../ports/railway.js";
import { decide, unaliasService, type Policy } from "../policy/policy.js";
import type { Actor } from "../ports/chat.js";
import type { Reply } from "../reply.js";
import { selectServices, setupReply } from "./reply.js";

export async function setupCommand(
  railway: { api: RailwayApi; projectId: string },
  args: Record<string, string>,
  ctx: { actor: Actor; policy: Policy; now: number },
): Promise<Reply> {
  const env = args.env ?? ctx.policy.defaultEnvironment;
  const setup = await railway.api.projectSetup(railway.projectId, { environmentName: env });
  const selected = selectServices(setup, {
    ...(args.service ? { service: unaliasService(ctx.policy, args.service) } : {}),
    ...(args.env ? { env: args.env } : {}),
    defaultEnv: ctx.policy.defaultEnvironment,
  });
  if (!Array.isArray(selected)) return selected;
  // A rule that grants `status` for some services or environments shows only those.
  const visible = selected.filter((s) => decide(ctx.policy, ctx.actor, "status", s.serviceName, s.environmentName).allowed);
  if (visible.length === 0) return { title: "Nothing to show", body: "No service there that you may see.", tone: "info", private: true };
  return setupReply(setup, visible, ctx.now);
}
