/**
 * Questions about "our setup" answered with live facts: the knowledge-base section flagged
 * `live: setup` (content/kb/team-setup.md) routes here when Railway is connected. The services
 * and environments the question names are shown (all of the default environment when it names
 * none), only those the asker may see; if Railway fails, the knowledge-base answer stands.
 */
import type { Logger } from "../../log.js";
import { decide, type Policy } from "../policy/policy.js";
import type { Actor } from "../ports/chat.js";
import { RailwayError, type RailwayApi, type ServiceSettings } from "../ports/railway.js";
import type { Reply } from "../reply.js";
import { setupReply } from "./reply.js";

export async function liveSetupAnswer<R extends Reply>(
  railway: { api: RailwayApi; projectId: string },
  question: string,
  ctx: { actor: Actor; policy: Policy; now: number; log: Logger },
  staticReply: R,
): Promise<R | Reply> {
  try {
    const words = new Set(
      question
        .toLowerCase()
        .split(/[^a-z0-9._-]+/)
        .filter(Boolean),
    );
    const setup = await railway.api.projectSetup(railway.projectId);
    const named = (names: string[]) => names.filter((n) => words.has(n.toLowerCase()));
    const services = named([...new Set(setup.services.map((s) => s.serviceName))]);
    const envs = named(setup.environments.map((e) => e.name));
    const defaultEnv = setup.environments.some((e) => e.name === ctx.policy.defaultEnvironment) ? [ctx.policy.defaultEnvironment] : [];
    const inEnvs = envs.length ? envs : defaultEnv;
    const pick = (s: ServiceSettings) => (!services.length || services.includes(s.serviceName)) && (!inEnvs.length || inEnvs.includes(s.environmentName));
    const visible = setup.services.filter((s) => pick(s) && decide(ctx.policy, ctx.actor, "status", s.serviceName, s.environmentName).allowed);
    if (visible.length === 0) return staticReply;
    const live = setupReply(setup, visible, ctx.now);
    return {
      ...live,
      title: `Our setup, live from Railway: ${visible.length === 1 ? `${visible[0]!.serviceName} (${visible[0]!.environmentName})` : setup.projectName}`,
      body: `${live.body}\nAsk \`/railcache setup <service> <env>\` for another one.`,
      ...(staticReply.actions ? { actions: staticReply.actions } : {}),
    };
  } catch (error) {
    if (!(error instanceof RailwayError)) throw error;
    ctx.log.warn({ event: "setup.live_failed", kind: error.kind }, "live setup answer fell back to the knowledge base");
    return {
      ...staticReply,
      body: `${staticReply.body}\n\n_Railway did not answer just now (${error.userMessage}), so this is the general answer, not your live setup._`,
    };
  }
}
