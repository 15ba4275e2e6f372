/**
 * How a failed Railway call is described to people. Retrying is not done here: the Railway
 * client is the one layer that retries (it knows which requests are safe to repeat), and the
 * workflow reacts to an unknown outcome with a state (states.ts), not a loop.
 */
import { RailwayError } from "../ports/railway.js";

/** The message to show for any error from a Railway call: the user message, never a stack or token. */
export function describeError(error: unknown): string {
  if (error instanceof RailwayError) return error.userMessage.replace(/\.+$/, "");
  return "an unexpected error (details are in railcache's log)";
}
