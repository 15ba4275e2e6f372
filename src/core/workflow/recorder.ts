/**
 * Persists workflow steps: every move is one compare-and-set transition in the store, one audit
 * entry and (at most) one edit of the status message. Shared by the engine's public calls and
 * the state actions, so there is exactly one way a workflow changes.
 */
import type { Logger } from "../../log.js";
import type { LogLine } from "../ports/railway.js";
import type { JsonObject, Store } from "../ports/store.js";
import { BOT_ACTOR, recordAudit } from "../audit.js";
import type { MessageRef, Outbox } from "../ports/chat.js";
import type { Clock } from "../ports/clock.js";
import type { Reply } from "../reply.js";
import { parseWorkflow, type Workflow, type WorkflowData } from "./data.js";
import { workflowStatusReply } from "./messages.js";
import { finalStates, nextState, type WorkflowEvent, type WorkflowState } from "./states.js";

/** One change of a workflow's status message. `ref` is where it was posted (null until BotCore posted it). */
export interface WorkflowUpdate {
  workflowId: string;
  state: WorkflowState;
  reply: Reply;
  ref: MessageRef | null;
  /** The workflow as it is now (for hooks that react to how it ended). */
  workflow: Workflow;
}

export interface MoveOptions {
  actor?: string;
  data?: Partial<WorkflowData>;
  expiresAt?: number | null;
  details?: JsonObject;
  /** False when the caller shows the new status itself (the reply to a click replaces the message). */
  notify?: boolean;
  logTail?: LogLine[];
}

export class WorkflowRecorder {
  constructor(
    private readonly deps: {
      store: Store;
      clock: Clock;
      log: Logger;
      /** Edits the status message after a step; posts alerts next to it. */
      outbox?: Outbox;
      onStep?: (update: WorkflowUpdate) => Promise<void>;
    },
  ) {}

  /** Moves along the table with compare-and-set; audits and updates the status message. Null when another actor moved it first. */
  async move(wf: Workflow, event: WorkflowEvent, options: MoveOptions = {}): Promise<Workflow | null> {
    const to = nextState(wf.state, event);
    if (!to) throw new Error(`workflow ${wf.id}: no transition "${event}" from ${wf.state}`);
    const now = this.deps.clock.now();
    const patch = {
      data: (options.data ?? {}) as JsonObject,
      releaseLock: finalStates.has(to),
      ...(options.expiresAt !== undefined ? { expiresAt: options.expiresAt } : {}),
    };
    if (!(await this.deps.store.transition(wf.id, wf.state, to, patch))) return null;
    const moved: Workflow = {
      ...wf,
      state: to,
      updatedAt: now,
      expiresAt: options.expiresAt === undefined ? wf.expiresAt : options.expiresAt,
      data: { ...wf.data, ...options.data },
    };
    this.deps.log.info({
      event: "workflow.step",
      workflowId: wf.id,
      step: event,
      from: wf.state,
      to,
      service: wf.data.serviceName,
      environment: wf.data.environmentName,
    });
    await this.audit(moved, `workflow.${event}`, options.actor ?? BOT_ACTOR, {
      from: wf.state,
      to,
      kind: wf.data.kind,
      ...auditIds(moved),
      ...(options.details ?? {}),
    });
    if (options.notify !== false) await this.notify(moved, options.logTail);
    return moved;
  }

  /** Updates data without changing state, guarded like a transition. No message edit. */
  async patch(wf: Workflow, data: Partial<WorkflowData>): Promise<Workflow | null> {
    if (!(await this.deps.store.transition(wf.id, wf.state, wf.state, { data: data as JsonObject }))) return null;
    return { ...wf, updatedAt: this.deps.clock.now(), data: { ...wf.data, ...data } };
  }

  async load(id: string): Promise<Workflow | null> {
    const row = await this.deps.store.getWorkflow(id);
    return row ? parseWorkflow(row) : null;
  }

  /** Tells `onStep` and edits the status message where one was posted that this process can reach. */
  async notify(wf: Workflow, logTail: LogLine[] = []): Promise<void> {
    const { outbox, onStep } = this.deps;
    if (!outbox && !onStep) return;
    // A chat outage must not stop a workflow that is restoring NO_CACHE: failures are logged only.
    let ref: MessageRef | null = null;
    try {
      ref = (await this.deps.store.getMessageRef(wf.id)) as MessageRef | null;
    } catch (error) {
      this.deps.log.warn({ event: "workflow.notify_failed", workflowId: wf.id, err: error }, "could not read where the status message is");
    }
    const reply = workflowStatusReply(wf, this.deps.clock.now(), logTail);
    try {
      await onStep?.({ workflowId: wf.id, state: wf.state, reply, ref, workflow: wf });
    } catch (error) {
      this.deps.log.warn({ event: "workflow.step_hook_failed", workflowId: wf.id, err: error }, "a step hook failed");
    }
    if (!ref || !outbox?.reaches(ref.platform)) return;
    try {
      await outbox.update(ref, reply);
    } catch (error) {
      this.deps.log.warn({ event: "workflow.notify_failed", workflowId: wf.id, err: error }, "could not update the status message");
    }
  }

  /** A new message in the status message's channel (and thread); false when it could not be posted. */
  async alert(wf: Workflow, reply: Reply): Promise<boolean> {
    const outbox = this.deps.outbox;
    if (!outbox) return false;
    try {
      const ref = (await this.deps.store.getMessageRef(wf.id)) as MessageRef | null;
      if (!ref || !outbox.reaches(ref.platform)) throw new Error("no chat message to post the alert next to");
      const { platform, channelId, threadId } = ref;
      await outbox.post({ platform, channelId, ...(threadId ? { threadId } : {}) }, reply);
      return true;
    } catch (error) {
      this.deps.log.warn({ event: "workflow.alert_failed", workflowId: wf.id, err: error }, "could not post an alert");
      return false;
    }
  }

  async audit(wf: Workflow | null, event: string, actor: string, details: JsonObject, where?: { service: string; environment: string }): Promise<void> {
    await recordAudit(this.deps.store, this.deps.clock.now(), {
      event,
      workflowId: wf?.id ?? null,
      actor,
      service: wf?.data.serviceName ?? where?.service ?? null,
      environment: wf?.data.environmentName ?? where?.environment ?? null,
      details,
    });
  }
}

function auditIds(wf: Workflow): JsonObject {
  return {
    serviceId: wf.data.serviceId,
    environmentId: wf.data.environmentId,
    baseDeploymentId: wf.data.base.deploymentId,
    ...(wf.data.newDeploymentId ? { newDeploymentId: wf.data.newDeploymentId } : {}),
  };
}
