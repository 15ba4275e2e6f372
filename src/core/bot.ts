/**
 * The one entry point adapters call. An adapter turns a chat event into one of these calls
 * and renders the Reply it gets back; it never reaches past this interface into core.
 */
import type { ActionKind, Reply } from "./reply.js";
import type { Actor, ChatTarget, MessageRef } from "./ports.js";

export interface RequestContext {
  actor: Actor;
  /** Where the request came from and where replies go. */
  target: ChatTarget;
}

/** A reply that is also the live status message of a workflow: post it, then `attachMessage`. */
export interface TrackedReply extends Reply {
  workflowId?: string;
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
  /** Tell core where a TrackedReply was posted, so later workflow steps edit it in place. */
  attachMessage(workflowId: string, ref: MessageRef): Promise<void>;
  /** A workflow prompt could not be posted: nobody can confirm it, so core cancels it and frees the service. */
  withdrawPrompt(workflowId: string, reason: string): Promise<void>;
  /**
   * True the first time a chat platform delivers the event `key` (its own event id, prefixed by
   * the platform) to any replica sharing the store; false for a redelivery, which must be dropped.
   */
  firstDelivery(key: string): Promise<boolean>;
  /** Suggestions for a command option (service or environment names), for autocomplete. */
  complete(option: "service" | "env", prefix: string): Promise<string[]>;
}
