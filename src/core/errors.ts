/**
 * The one place an error becomes words for a person: a chat reply, a console line or a CLI
 * message and exit code. A failure whose cause is known is a KnownFailure (its message is one
 * sentence naming the cause and what was being reached, and never a secret); anything else is a
 * bug, told as "something went wrong" with the details left to the log.
 */
import type { Reply } from "./reply.js";

/**
 * `usage`: the command was called wrongly; `configuration`: a setting is wrong (the same on every
 * restart, so a supervisor should stop retrying); `failure`: something outside railcache failed
 * or refused (a restart may help).
 */
export type FailureCategory = "usage" | "configuration" | "failure";

export class KnownFailure extends Error {
  /** One sentence (or a short list) for a person; safe to show and to log. */
  readonly userMessage: string;
  readonly category: FailureCategory;
  /** The heading of the chat reply. */
  readonly title: string;
  constructor(userMessage: string, options: { category?: FailureCategory; title?: string; cause?: unknown } = {}) {
    super(userMessage, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "KnownFailure";
    this.userMessage = userMessage;
    this.category = options.category ?? "failure";
    this.title = options.title ?? "That did not work";
  }
}

export function isKnownFailure(error: unknown): error is KnownFailure {
  return error instanceof KnownFailure;
}

const bugReply: Reply = {
  title: "Something went wrong",
  body: "railcache could not finish that. The details are in its log; try again in a minute.",
  tone: "error",
  private: true,
};

/** The reply a person sees for any error: a known failure's own words, else a plain "something went wrong". */
export function toUserReply(error: unknown): Reply {
  if (!isKnownFailure(error)) return bugReply;
  return { title: error.title, body: error.userMessage, tone: "error", private: true };
}

/** The process exit code the README documents: 2 usage or configuration, 1 a failure, 70 a bug in railcache. */
export function exitCodeOf(error: unknown): number {
  if (!isKnownFailure(error)) return 70;
  return error.category === "failure" ? 1 : 2;
}

/** A failure as a phrase to follow a colon in a longer message ("could not set NO_CACHE: ..."). */
export function failurePhrase(error: unknown): string {
  if (isKnownFailure(error)) return error.userMessage.replace(/\.+$/, "");
  return "an unexpected error (details are in railcache's log)";
}
