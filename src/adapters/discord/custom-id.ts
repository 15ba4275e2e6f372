/**
 * Button custom ids: `rc:<kind>:<value>`, at most 100 characters (Discord's limit). The value is
 * a workflow id, a service name or a section id; core checks it against the store on click.
 */
import { ACTION_KINDS } from "../../core/reply.js";
import type { ActionKind } from "../../core/reply.js";

const PREFIX = "rc";
export const MAX_CUSTOM_ID = 100;

// A link button opens its URL and has no custom id.
const KINDS: readonly ActionKind[] = ACTION_KINDS.filter((kind) => kind !== "link");

/** The custom id for a button, or undefined when the value would not fit in 100 characters. */
export function encodeCustomId(kind: ActionKind, value: string): string | undefined {
  const id = `${PREFIX}:${kind}:${value}`;
  return id.length <= MAX_CUSTOM_ID ? id : undefined;
}

/** Reads back what `encodeCustomId` wrote; anything else (another bot's id, a forged one) gives undefined. */
export function decodeCustomId(customId: string): { kind: ActionKind; value: string } | undefined {
  const match = /^rc:([a-z_]+):(.*)$/s.exec(customId);
  const kind = match?.[1] as ActionKind | undefined;
  if (!match || !kind || !KINDS.includes(kind)) return undefined;
  return { kind, value: match[2] ?? "" };
}
