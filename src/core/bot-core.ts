/**
 * BotCore, the one entry point adapters call: questions go to the answer engine, `/railcache`
 * commands to status, the workflow engine or the audit log, and button clicks to the same places.
 * An adapter turns a chat event into one of these calls and renders the Reply it gets back; it
 * never reaches past this interface into core.
 */
import type { Logger } from "../log.js";
import type { ProjectStatus, RailwayApi } from "./ports/railway.js";
import { RailwayError } from "./ports/railway.js";
import { KnownFailure, isKnownFailure, toUserReply } from "./errors.js";
import type { Store } from "./ports/store.js";
import { RecentKeys } from "./recent-keys.js";
import { auditActor, auditReply, listAuditEntries, recordAudit, type AuditInput } from "./audit.js";
import { DEFAULT_UNANSWERED_DAYS, listUnanswered, recordUnanswered, stillRefused, unansweredReply } from "./unanswered.js";
import { DURATION_HINT, parseDuration } from "./duration.js";
import { commands, parseCommand, usageOf, usageText, type ParsedCommand } from "./commands.js";
import type { AnswerEngine, AnswerResult } from "./kb/types.js";
import { checkPermission, describeRequest, type Granted, type PermissionRequest, type WarningTarget } from "./permissions.js";
import { approversText, decide, type Policy } from "./policy/policy.js";
import type { Actor, ChatTarget, MessageRef, Messenger, Outbox } from "./ports/chat.js";
import type { Clock } from "./ports/clock.js";
import type { ActionKind, Reply } from "./reply.js";
import { setupCommand } from "./setup/command.js";
import { liveSetupAnswer } from "./setup/live.js";
import { projectStatusReply, statusJson } from "./status.js";
import type { StatusJson } from "./status.js";
import { plainUserText } from "./text/user-text.js";
import type { WorkflowEngine, WorkflowKind } from "./workflow/engine.js";

export interface RequestContext {
  actor: Actor;
  /** Where the request came from and where replies go. */
  target: ChatTarget;
  /**
   * Posts and edits the answer to this very request where the platform wants that (a Discord
   * interaction's response); core falls back to its outbox at `target`.
   */
  respond?: Messenger;
}

/**
 * What BotCore answers. A workflow's status message (a confirmation prompt, a confirmed run) is
 * posted or edited by core itself, which keeps its ref for every later step: then `posted` says
 * where, and the adapter shows nothing more.
 */
export interface TrackedReply extends Reply {
  workflowId?: string;
  posted?: MessageRef;
}

export interface BotCore {
  /** A free-text question: a mention, a DM, `/railcache ask ...`, or a pasted traceback. */
  ask(text: string, ctx: RequestContext): Promise<TrackedReply>;
  /** The text after `/railcache`: parsed against the command registry; usage errors come back as a Reply. */
  command(text: string, ctx: RequestContext): Promise<TrackedReply>;
  /**
   * The reply to `/railcache <text>` when it needs no Railway, store or chat call (a question,
   * help, a usage error), computed at once; undefined for every other command. Adapters answer
   * these inside the platform's acknowledgement instead of sending a second message.
   */
  instantReply(text: string): TrackedReply | undefined;
  /** A button click. `value` is what the Action carried. */
  action(kind: ActionKind, value: string, ctx: RequestContext): Promise<TrackedReply>;
  /**
   * True the first time a chat platform delivers the event `key` (its own event id, prefixed by
   * the platform) to any replica sharing the store; false for a redelivery, which must be dropped.
   */
  firstDelivery(key: string): Promise<boolean>;
  /** Suggestions for a command option (service or environment names), for autocomplete. */
  complete(option: "service" | "env", prefix: string): Promise<string[]>;
  /**
   * `status` as a reply and as data for scripts (the CLI's --json), limited to what the actor may
   * see. Railway's failures are thrown, not turned into a reply: the CLI makes them its exit code.
   */
  statusReport(filter: { service?: string; env?: string }, ctx: RequestContext): Promise<{ reply: Reply; json: StatusJson }>;
}

/** What the watcher offers to buttons on its warnings (mute, remove a forgotten NO_CACHE). */
export interface WarningActions {
  handleAction(kind: "mute" | "unmute" | "remove_no_cache", value: string, actorName?: string): Promise<Reply>;
}

export interface BotCoreDeps {
  answers: AnswerEngine;
  /** Absent when no Railway token is configured: status and commands then say how to set one. */
  railway?: { api: RailwayApi; projectId: string };
  workflows?: WorkflowEngine;
  /** Where workflow status messages are posted and edited (the messenger registry). */
  outbox?: Outbox;
  store?: Store;
  warnings?: WarningActions;
  policy: Policy;
  clock: Clock;
  log: Logger;
  /** Counts answers (metrics); core stays free of any metrics library. */
  onAnswer?: (matched: boolean) => void;
  /** Days a refused question is kept for `unanswered` (0: none kept); DEFAULT_UNANSWERED_DAYS when absent. */
  unansweredDays?: number;
}

/** How long a delivered event id is remembered: Slack retries an event within minutes. */
const DELIVERY_MEMORY_MS = 60 * 60 * 1000;

/** How old a shared projectStatus may be: fresh for status replies, older for autocomplete names. */
const STATUS_REUSE_MS = 2_000;
const NAMES_REUSE_MS = 30_000;
const auditUsage = usageOf(commands.find((c) => c.name === "audit") as (typeof commands)[number]);
const DEFAULT_AUDIT_SINCE = "7d";
const unansweredUsage = usageOf(commands.find((c) => c.name === "unanswered") as (typeof commands)[number]);
const DEFAULT_UNANSWERED_SINCE = "30d";

const noRailway: Reply = {
  title: "Railway is not connected",
  body: "Set `RAILWAY_TOKEN` (a project token) or `RAILWAY_API_TOKEN` with `RAILWAY_PROJECT_ID` and restart railcache. Questions still work without it.",
  tone: "warning",
  private: true,
};

export function createBotCore(deps: BotCoreDeps): BotCore {
  const { answers, log } = deps;
  const keepUnansweredDays = deps.unansweredDays ?? DEFAULT_UNANSWERED_DAYS;
  let recentStatus: { at: number; value: Promise<ProjectStatus> } | undefined;

  /**
   * One projectStatus request serves every status, picker and autocomplete asked within a couple
   * of seconds: a burst of `/railcache status` costs one request of the rate budget, not fifty.
   */
  function projectStatus(railway: NonNullable<BotCoreDeps["railway"]>, maxAgeMs = STATUS_REUSE_MS): Promise<ProjectStatus> {
    const now = deps.clock.now();
    if (recentStatus && now - recentStatus.at < maxAgeMs) return recentStatus.value;
    const value = railway.api.projectStatus(railway.projectId);
    const entry = { at: now, value };
    recentStatus = entry;
    value.catch(() => {
      if (recentStatus === entry) recentStatus = undefined;
    });
    return value;
  }

  /**
   * A question whose section is flagged `live: setup` (questions about "our setup") is answered
   * from Railway's API when it is connected; the knowledge-base text otherwise, or if Railway fails.
   */
  async function answerLive(text: string, ctx: RequestContext): Promise<TrackedReply> {
    const { reply, live } = answerWithSection(text);
    if (live !== "setup" || !deps.railway) return reply;
    return liveSetupAnswer(deps.railway, text, { actor: ctx.actor, policy: deps.policy, now: deps.clock.now(), log }, reply);
  }

  /** A question answered from the knowledge base: memory only, no I/O (and the section's `live` flag). */
  function answerWithSection(text: string): { reply: TrackedReply; live?: "setup" } {
    if (!text.trim()) return { reply: help() };
    const result = answers.answer(text);
    if (!result.matched) rememberRefusal(text, result);
    const reply = answerReply(result);
    const live = result.matched && result.section ? answers.section(result.section.id)?.live : undefined;
    return live ? { reply, live } : { reply };
  }

  function answerReply(result: ReturnType<AnswerEngine["answer"]>): TrackedReply {
    deps.onAnswer?.(result.matched);
    log.debug(
      { event: "answer", matched: result.matched, section: result.section?.id ?? null, offered: result.offered?.id ?? null, confidence: result.confidence },
      "answered",
    );
    return resultReply(result);
  }

  /**
   * The section a refused question was offered (its "show_answer" button), answered as if the
   * question had been routed to it: live from Railway for a `live: setup` section.
   */
  async function shownSection(id: string, ctx: RequestContext): Promise<TrackedReply> {
    const result = answers.sectionAnswer(id);
    if (!result) return sectionGone;
    const reply = resultReply(result);
    if (answers.section(id)?.live !== "setup" || !deps.railway) return reply;
    return liveSetupAnswer(deps.railway, "", { actor: ctx.actor, policy: deps.policy, now: deps.clock.now(), log }, reply);
  }

  function resultReply(result: ReturnType<AnswerEngine["answer"]>): TrackedReply {
    if (!result.matched || !result.section) {
      return { title: "Not something I know", body: result.answer, tone: "info", actions: result.actions };
    }
    return {
      title: result.section.title,
      body: result.answer,
      actions: result.actions,
      tone: result.signals?.signatures.length ? "warning" : "info",
      context: `railcache knowledge base: ${result.section.id}`,
    };
  }

  // Help depends only on the knowledge base, which is fixed while the bot runs: build it once.
  const helpReply: TrackedReply = {
    title: "What railcache can do",
    body: `Ask me about stale Railway build caches (or paste the error), check deploy status, and clear the build cache safely.\n\nTopics I know:\n${answers
      .sections()
      .filter((s) => s.origin === "builtin")
      .map((s) => `- ${s.title}`)
      .join("\n")}`,
    code: [{ text: usageText() }],
    tone: "info",
    // Help is for the asker; it would only clutter the channel.
    private: true,
  };
  const help = (): TrackedReply => helpReply;

  async function withRailway<T extends Reply>(run: (railway: NonNullable<BotCoreDeps["railway"]>) => Promise<T>): Promise<T | Reply> {
    if (!deps.railway) return noRailway;
    try {
      return await run(deps.railway);
    } catch (error) {
      return railwayFailure(error);
    }
  }

  /** A known failure (Railway down, a refused token) as a reply for the person; anything else is a bug and is rethrown. */
  function railwayFailure(error: unknown): Reply {
    if (!isKnownFailure(error)) throw error;
    log.warn({ event: "railway.error", kind: error instanceof RailwayError ? error.kind : error.category, err: error.cause }, error.userMessage);
    return toUserReply(error);
  }

  async function status(args: Record<string, string>, ctx: RequestContext): Promise<Reply> {
    if (!deps.railway) return noRailway;
    return withRailway(async () => (await statusReport({ service: args.service, env: args.env }, ctx)).reply);
  }

  async function statusReport(
    filter: { service?: string | undefined; env?: string | undefined },
    ctx: RequestContext,
  ): Promise<{ reply: Reply; json: StatusJson }> {
    if (!deps.railway) throw new KnownFailure(noRailway.body, { category: "configuration", title: noRailway.title });
    const project = await projectStatus(deps.railway);
    // A rule that grants `status` for some services or environments shows only those.
    const visible = {
      ...project,
      instances: project.instances.filter((i) => decide(deps.policy, ctx.actor, "status", i.serviceName, i.environmentName).allowed),
    };
    const shown = { service: filter.service, env: filter.env, defaultEnv: deps.policy.defaultEnvironment };
    const now = deps.clock.now();
    return { reply: projectStatusReply(visible, shown, now), json: statusJson(visible, shown, now) };
  }

  async function startWorkflow(kind: WorkflowKind, service: string, env: string | undefined, ctx: RequestContext, granted?: Granted): Promise<TrackedReply> {
    if (!deps.railway || !deps.workflows) return noRailway;
    const workflows = deps.workflows;
    if (!service) return servicePicker(kind);
    const result = await withRailway(async (): Promise<TrackedReply> => {
      const outcome = await workflows.request({ actor: ctx.actor, kind, service, ...(env ? { environment: env } : {}) });
      if (!outcome.ok) return outcome.reply;
      // The prompt says who may approve, so the requester knows whom to ask.
      const approvers = granted?.approval === "second_person" ? `\n\nA second person must confirm: ${approversText(granted.approvers)}.` : "";
      return { ...outcome.reply, body: `${outcome.reply.body}${approvers}`, workflowId: outcome.workflowId };
    });
    log.info({ event: "workflow.request", kind, service, env: env ?? null, user: ctx.actor.userId }, "workflow requested");
    return "workflowId" in result && result.workflowId ? postStatus(result.workflowId, result, ctx) : result;
  }

  /** Where a request's status message goes: its own responder, else the outbox if it reaches that platform (else the caller shows the reply). */
  function outboxFor(ctx: RequestContext): Messenger | undefined {
    return ctx.respond ?? (deps.outbox?.reaches(ctx.target.platform) ? deps.outbox : undefined);
  }

  /**
   * Posts a workflow's status message where the request came from and keeps its ref, so every
   * later step edits it. A prompt that cannot be posted is withdrawn (nobody could confirm it, and
   * it must not hold the service's lock until it expires), and the error goes to the adapter.
   */
  async function postStatus(workflowId: string, reply: Reply, ctx: RequestContext): Promise<TrackedReply> {
    const via = outboxFor(ctx);
    if (!via || !deps.workflows) return { ...reply, workflowId };
    let ref: MessageRef;
    try {
      ref = await via.post(ctx.target, reply);
    } catch (error) {
      await deps.workflows.withdraw(workflowId, "the confirmation could not be posted in the channel");
      throw error;
    }
    await deps.workflows.attachMessage(workflowId, ref);
    return { ...reply, workflowId, posted: ref };
  }

  /**
   * A workflow's new status after a click: edits its status message (the prompt that was
   * clicked), which `workflowId` takes over when a stale confirmation was asked again; posted
   * anew when there is none. A private reply (a refusal) is the adapter's to show.
   */
  async function showStatus(from: string, workflowId: string | undefined, reply: Reply, ctx: RequestContext): Promise<TrackedReply> {
    const via = outboxFor(ctx);
    if (reply.private || !via || !deps.workflows) return workflowId ? { ...reply, workflowId } : reply;
    const ref = await deps.workflows.statusMessage(from);
    if (!ref) return workflowId ? postStatus(workflowId, reply, ctx) : reply;
    await via.update(ref, reply);
    if (workflowId && workflowId !== from) await deps.workflows.attachMessage(workflowId, ref);
    return { ...reply, ...(workflowId ? { workflowId } : {}), posted: ref };
  }

  /** A knowledge-base button that did not know the service: offer one button per service. */
  async function servicePicker(kind: WorkflowKind): Promise<Reply> {
    return withRailway(async (railway) => {
      const project = await projectStatus(railway);
      // Every environment, failing ones first, then by service with the default environment first:
      // the stale cache a question is about is as likely in staging as in production.
      const env = deps.policy.defaultEnvironment;
      const failing = (i: (typeof project.instances)[number]) => (i.latestDeployment && ["FAILED", "CRASHED"].includes(i.latestDeployment.status) ? 0 : 1);
      const shown = [...project.instances]
        .sort(
          (a, b) =>
            failing(a) - failing(b) ||
            a.serviceName.localeCompare(b.serviceName) ||
            Number(b.environmentName === env) - Number(a.environmentName === env) ||
            a.environmentName.localeCompare(b.environmentName),
        )
        .slice(0, 10);
      return {
        title: kind === "clear" ? "Which service should I rebuild without cache?" : "Which service should I rebuild?",
        body: `Pick one (you will be asked to confirm), or type \`/railcache ${kind} <service> [env]\`.`,
        actions: shown.map((i) => ({ kind, label: `${i.serviceName} (${i.environmentName})`, value: `${i.serviceName}@${i.environmentName}` })),
        tone: "info",
        private: true,
      };
    });
  }

  async function audit(args: Record<string, string>, ctx: RequestContext): Promise<Reply> {
    if (!deps.store) return { title: "No audit log here", body: "The audit log needs the store; it is not open in this mode.", tone: "warning", private: true };
    const label = args.since ?? DEFAULT_AUDIT_SINCE;
    const span = parseDuration(label);
    if (span === null) {
      return { title: "Not a period I understand", body: `Use ${DURATION_HINT}.`, code: [{ text: auditUsage }], tone: "warning", private: true };
    }
    const all = await listAuditEntries(deps.store, { since: deps.clock.now() - span });
    // A rule that grants `audit` for some environments or services shows only their entries.
    const entries = all.filter((e) => decide(deps.policy, ctx.actor, "audit", e.service ?? undefined, e.environment ?? undefined).allowed);
    return auditReply(entries, label);
  }

  /** The watcher's buttons (permission already checked by the precondition); both change state, so both are audited. */
  async function warningAction(
    kind: "mute" | "unmute" | "remove_no_cache",
    value: string,
    ctx: RequestContext,
    target: WarningTarget | undefined,
  ): Promise<Reply> {
    const warnings = deps.warnings;
    if (!warnings) return notWatching;
    if (!target) return goneService;
    const reply = await warnings.handleAction(kind, value, ctx.actor.displayName ?? ctx.actor.userId);
    const done = kind === "remove_no_cache" ? reply.tone === "success" : reply.tone !== "error";
    if (done) {
      await writeAudit({
        event: kind === "mute" ? "watcher.muted" : kind === "unmute" ? "watcher.unmuted" : "watcher.no_cache_removed",
        actor: auditActor(ctx.actor),
        service: target.service,
        environment: target.environment,
        details: kind === "mute" ? { for: "1h" } : kind === "unmute" ? {} : { variable: "NO_CACHE" },
      });
    }
    return reply;
  }

  /**
   * Keeps a refused question for `unanswered`, once the reply is made (a slash command is answered
   * inside its ack, which must not wait for the store): a store failure is logged, never turned
   * into a failed request.
   */
  function rememberRefusal(text: string, result: AnswerResult): void {
    const store = deps.store;
    if (!store || keepUnansweredDays <= 0) return;
    void Promise.resolve()
      .then(() => recordUnanswered(store, deps.clock.now(), text, result, keepUnansweredDays))
      .catch((error: unknown) => log.warn({ event: "unanswered.write_failed", err: error }, "could not keep a refused question"));
  }

  async function unanswered(args: Record<string, string>): Promise<Reply> {
    if (!deps.store)
      return { title: "Nothing kept here", body: "Refused questions are kept in the store; it is not open in this mode.", tone: "warning", private: true };
    const label = args.since ?? DEFAULT_UNANSWERED_SINCE;
    const span = parseDuration(label);
    if (span === null) {
      return { title: "Not a period I understand", body: `Use ${DURATION_HINT}.`, code: [{ text: unansweredUsage }], tone: "warning", private: true };
    }
    if (keepUnansweredDays <= 0) {
      return { title: "Refused questions are not kept", body: "`RAILCACHE_UNANSWERED_DAYS` is 0 here.", tone: "info", private: true };
    }
    const { refused, answeredNow } = stillRefused(await listUnanswered(deps.store, deps.clock.now() - span), answers);
    return unansweredReply(refused, label, answeredNow, (id) => answers.section(id)?.title);
  }

  /** An audit entry; a store failure is logged, never turned into a failed request. */
  async function writeAudit(input: AuditInput): Promise<void> {
    if (!deps.store) return;
    try {
      await recordAudit(deps.store, deps.clock.now(), input);
    } catch (error) {
      log.warn({ event: "audit.write_failed", auditEvent: input.event, err: error }, "could not write an audit entry");
    }
  }

  /** The service and environment names a watcher button (`serviceId@environmentId`) acts on. */
  async function warningTarget(value: string): Promise<WarningTarget | undefined> {
    if (!deps.railway) return undefined;
    const [serviceId, environmentId] = value.split("@");
    const instance = (await projectStatus(deps.railway)).instances.find((i) => i.serviceId === serviceId && i.environmentId === environmentId);
    return instance ? { service: instance.serviceName, environment: instance.environmentName } : undefined;
  }

  /**
   * The precondition every command and button passes before it is dispatched: the permission
   * from the one table (permissions.ts), scoped to the service and environment it acts on, and
   * for confirmations and cancels the workflow's own approval rule. A refusal is audited (who,
   * what, which rule) and returned; a grant carries the approval rule for the prompt.
   */
  async function precondition(request: PermissionRequest, ctx: RequestContext): Promise<{ refusal: Reply } | Granted> {
    const check = await checkPermission(request, ctx.actor, { policy: deps.policy, ...(deps.workflows ? { workflows: deps.workflows } : {}) });
    if ("refused" in check) {
      await writeAudit({
        event: "permission.refused",
        actor: auditActor(ctx.actor),
        service: check.service ?? null,
        environment: check.environment ?? null,
        details: { request: describeRequest(request), ...(check.permission ? { permission: check.permission } : {}), rule: check.rule, reason: check.refused },
      });
      log.info({ event: "permission.refused", request: describeRequest(request), user: ctx.actor.userId, rule: check.rule }, "request refused by the policy");
      return { refusal: { title: check.title ?? "Not allowed", body: check.refused, tone: "error", private: true } };
    }
    return check;
  }

  async function run(command: ParsedCommand, ctx: RequestContext): Promise<TrackedReply> {
    const { args } = command;
    const granted = await precondition({ via: "command", command }, ctx);
    if ("refusal" in granted) return granted.refusal;
    switch (command.name) {
      case "ask":
        return answerLive(args.text ?? "", ctx);
      case "help":
        return help();
      case "status":
        return status(args, ctx);
      case "setup":
        return withRailway((railway) => setupCommand(railway, args, { actor: ctx.actor, policy: deps.policy, now: deps.clock.now() }));
      case "clear":
      case "redeploy":
        return startWorkflow(command.name, args.service ?? "", args.env, ctx, granted);
      case "cancel":
        if (!deps.workflows) return noRailway;
        return deps.workflows.cancel(args.service ? { service: args.service } : {}, ctx.actor);
      case "audit":
        return audit(args, ctx);
      case "unanswered":
        return unanswered(args);
    }
  }

  // Without a store (or while it fails) this process's own memory is the next best thing.
  const recentDeliveries = new RecentKeys();

  async function firstDelivery(key: string): Promise<boolean> {
    if (!deps.store) return recentDeliveries.first(key);
    try {
      return await deps.store.claimOnce(`delivery:${key}`, DELIVERY_MEMORY_MS);
    } catch (error) {
      // Answering twice is better than not answering: fall back rather than drop the event.
      log.warn({ event: "delivery.claim_failed", err: error }, "could not record an event delivery in the store");
      return recentDeliveries.first(key);
    }
  }

  function usageError(parsed: { error: string; usage: string }): TrackedReply {
    return { title: "That command did not parse", body: parsed.error, code: [{ text: parsed.usage }], tone: "warning", private: true };
  }

  return {
    // Whatever a person typed may be echoed into a public answer: no links, no control characters.
    async ask(text, ctx) {
      const granted = await precondition({ via: "question" }, ctx);
      return "refusal" in granted ? granted.refusal : answerLive(plainUserText(text), ctx);
    },

    async command(text, ctx) {
      const parsed = parseCommand(plainUserText(text));
      if (!parsed.ok) return usageError(parsed);
      log.debug({ event: "command", command: parsed.command.name, user: ctx.actor.userId, platform: ctx.actor.platform }, "command");
      return run(parsed.command, ctx);
    },

    firstDelivery,

    async statusReport(filter, ctx) {
      const args = Object.fromEntries(Object.entries(filter).filter((entry): entry is [string, string] => entry[1] !== undefined));
      const granted = await precondition({ via: "command", command: { name: "status", args } }, ctx);
      if ("refusal" in granted) throw new KnownFailure(granted.refusal.body, { title: granted.refusal.title ?? "Not allowed" });
      return statusReport(filter, ctx);
    },

    instantReply(text) {
      const parsed = parseCommand(plainUserText(text));
      if (!parsed.ok) return usageError(parsed);
      // A policy that limits questions needs the asker's groups: that is the slower path.
      if (deps.policy.allow.some((rule) => rule.permissions.includes("ask"))) return undefined;
      if (parsed.command.name === "ask") {
        const { reply, live } = answerWithSection(parsed.command.args.text ?? "");
        // A live answer asks Railway: that is the slower path.
        return live && deps.railway ? undefined : reply;
      }
      if (parsed.command.name === "help") return help();
      return undefined;
    },

    async action(kind: ActionKind, value: string, ctx) {
      // A watcher button names ids: the names the policy speaks of come from Railway.
      let target: WarningTarget | undefined;
      if (kind === "mute" || kind === "unmute" || kind === "remove_no_cache") {
        if (!deps.warnings) return notWatching;
        try {
          target = await warningTarget(value);
        } catch (error) {
          return railwayFailure(error);
        }
      }
      const granted = await precondition({ via: "button", kind, value, ...(target ? { target } : {}) }, ctx);
      if ("refusal" in granted) return granted.refusal;
      switch (kind) {
        case "clear":
        case "redeploy": {
          const [service = "", env] = value.split("@");
          return startWorkflow(kind, service, env, ctx, granted);
        }
        case "confirm": {
          if (!deps.workflows) return noRailway;
          const workflows = deps.workflows;
          let result: Awaited<ReturnType<WorkflowEngine["confirm"]>>;
          try {
            result = await workflows.confirm(value, ctx.actor);
          } catch (error) {
            return railwayFailure(error);
          }
          return result.workflowId ? showStatus(value, result.workflowId, result.reply, ctx) : result.reply;
        }
        case "cancel":
          if (!deps.workflows) return noRailway;
          return showStatus(value, undefined, await deps.workflows.cancel({ workflowId: value }, ctx.actor), ctx);
        case "see_more": {
          const section = answers.section(value);
          if (!section) return sectionGone;
          return { title: section.title, body: section.more || section.answer, context: `railcache knowledge base: ${section.id}`, tone: "info" };
        }
        case "show_answer":
          return shownSection(value, ctx);
        case "mute":
        case "unmute":
        case "remove_no_cache":
          return warningAction(kind, value, ctx, target);
        case "link":
          return { title: "Link", body: value, tone: "info", private: true };
      }
    },

    async complete(option, prefix) {
      if (!deps.railway) return [];
      let project: ProjectStatus;
      try {
        project = await projectStatus(deps.railway, NAMES_REUSE_MS);
      } catch (error) {
        log.warn({ event: "complete.failed", err: error }, "autocomplete could not reach Railway");
        return [];
      }
      const pool =
        option === "service"
          ? [...[...new Set(project.instances.map((i) => i.serviceName))].sort(), ...Object.keys(deps.policy.aliases)]
          : project.environments.map((e) => e.name).sort();
      const lower = prefix.toLowerCase();
      return pool.filter((name) => name.toLowerCase().startsWith(lower)).slice(0, 25);
    },
  };
}

const sectionGone: Reply = {
  title: "That section is gone",
  body: "The knowledge base changed since that message was posted. Ask again.",
  tone: "warning",
  private: true,
};

const goneService: Reply = { title: "That service is gone", body: "Railway no longer lists that service in that environment.", tone: "warning", private: true };

const notWatching: Reply = {
  title: "Warnings are not running here",
  body: "This railcache is not watching deploys, so there is nothing to mute or remove from here.",
  tone: "warning",
  private: true,
};
