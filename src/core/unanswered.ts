/**
 * Questions railcache could not answer, kept for a while so a team can see what its runbooks
 * miss and add those wordings as `examples:` under the right heading. A refused question is
 * stored once per wording (later askings count up), with the section it came closest to;
 * secrets in pasted text are blanked first, and nothing names who asked.
 */
import { createHash } from "node:crypto";
import { redactPastedSecrets } from "../redact.js";
import type { AnswerEngine, AnswerResult } from "./kb/types.js";
import type { Store } from "./ports/store.js";
import type { Reply } from "./reply.js";
import { truncate } from "./text/truncate.js";

/** How long a refused question is kept after it was last asked, unless RAILCACHE_UNANSWERED_DAYS says otherwise. */
export const DEFAULT_UNANSWERED_DAYS = 30;
const DAY_MS = 86_400_000;
const PREFIX = "unanswered:";
/** A pasted log is kept to this many characters: enough to recognise it, not a whole build log. */
const MAX_TEXT = 1_000;

export interface UnansweredQuestion {
  /** The question as asked (secrets blanked, long pastes cut). */
  text: string;
  /** How many times this wording was refused. */
  count: number;
  firstAt: number;
  lastAt: number;
  /** The section it came closest to, and whether the reply offered it ("Show: <topic>"). */
  closest: string | null;
  offered: boolean;
}

/** Remembers a refused question (does nothing for an answered one). */
export async function recordUnanswered(store: Store, at: number, text: string, result: AnswerResult, keepDays: number): Promise<void> {
  if (result.matched || keepDays <= 0) return;
  const clean = truncate(redactPastedSecrets(text.trim()), MAX_TEXT);
  if (!clean) return;
  const key = PREFIX + createHash("sha256").update(clean.toLowerCase().replace(/\s+/g, " ")).digest("hex").slice(0, 32);
  const earlier = asQuestion(await store.kvGet(key));
  const entry: UnansweredQuestion = {
    // The first wording stays: later ones differ only in case and spacing.
    text: earlier?.text ?? clean,
    count: (earlier?.count ?? 0) + 1,
    firstAt: earlier?.firstAt ?? at,
    lastAt: at,
    closest: result.offered?.id ?? result.explain.candidates[0]?.id ?? null,
    offered: Boolean(result.offered),
  };
  await store.kvSet(key, { ...entry }, keepDays * DAY_MS);
}

/** Refused questions last asked since `since`, the most asked first, then the most recent. */
export async function listUnanswered(store: Store, since: number): Promise<UnansweredQuestion[]> {
  const rows = await store.kvList(PREFIX);
  return rows
    .map((row) => asQuestion(row.value))
    .filter((q): q is UnansweredQuestion => q !== undefined && q.lastAt >= since)
    .sort((a, b) => b.count - a.count || b.lastAt - a.lastAt);
}

/**
 * The kept questions the knowledge base still refuses, and how many it answers now: once a team
 * adds their wordings as examples, they leave the list without anyone clearing it.
 */
export function stillRefused(questions: UnansweredQuestion[], answers: Pick<AnswerEngine, "answer">): { refused: UnansweredQuestion[]; answeredNow: number } {
  const refused = questions.filter((q) => !answers.answer(q.text).matched);
  return { refused, answeredNow: questions.length - refused.length };
}

/** What became of the questions refused in the period that are answered now: "3 more ..." beside a list, or all of them. */
function answeredNowText(answeredNow: number, alone: boolean): string {
  const are = answeredNow === 1 ? "is" : "are";
  return alone
    ? `The ${answeredNow === 1 ? "question" : `${answeredNow} questions`} refused in that period ${are} answered now.`
    : `${answeredNow} more refused then ${are} answered now.`;
}

/** For the terminal: each question under the section it came closest to, ready to copy into `examples:`. */
export function unansweredText(questions: UnansweredQuestion[], titleOf: (id: string) => string | undefined, answeredNow = 0): string {
  if (questions.length === 0) return answeredNow ? answeredNowText(answeredNow, true) : "No refused questions in that period.";
  const groups = new Map<string, UnansweredQuestion[]>();
  for (const q of questions) {
    const group = groups.get(q.closest ?? "");
    if (group) group.push(q);
    else groups.set(q.closest ?? "", [q]);
  }
  const lines = [`${questions.length} refused question${questions.length === 1 ? "" : "s"}, grouped by the section each came closest to:`];
  for (const [id, group] of groups) {
    const title = id ? titleOf(id) : undefined;
    lines.push("", id ? `closest: "${title ?? id}" (${id})` : "closest: none");
    for (const q of group) lines.push(`  - ${JSON.stringify(oneLine(q.text))}  # ${q.count}x, last ${day(q.lastAt)}${q.offered ? ", offered" : ""}`);
  }
  if (answeredNow) lines.push("", answeredNowText(answeredNow, false));
  lines.push(
    "",
    "Add a wording to the `examples:` of the heading that should answer it (or to `negatives:` if none should);",
    '`railcache ask --explain "the question"` shows why it was refused.',
  );
  return lines.join("\n");
}

/** The chat reply of `/railcache unanswered`: the 20 most asked (the CLI lists all, grouped). */
export function unansweredReply(
  questions: UnansweredQuestion[],
  sinceLabel: string,
  answeredNow = 0,
  titleOf: (id: string) => string | undefined = () => undefined,
): Reply {
  const shown = questions.slice(0, 20);
  const more = answeredNow ? ` ${answeredNowText(answeredNow, false)}` : "";
  return {
    title: `Questions I could not answer: last ${sinceLabel}`,
    body: questions.length
      ? `${questions.length} refused question${questions.length === 1 ? "" : "s"}${shown.length < questions.length ? ` (the ${shown.length} most asked shown; \`railcache unanswered\` lists all)` : ""}. Add their wordings as \`examples:\` under the heading of your team's runbook (\`RAILCACHE_KB_DIR\`) that should answer them.${more}`
      : answeredNow
        ? answeredNowText(answeredNow, true)
        : "Nothing was refused in that period.",
    code: shown.length
      ? [
          {
            text: shown
              .map((q) => `${q.count}x  ${truncate(oneLine(q.text), 110)}${q.closest ? `  -> closest: ${titleOf(q.closest) ?? q.closest}` : ""}`)
              .join("\n"),
          },
        ]
      : undefined,
    tone: "info",
    private: true,
  };
}

function asQuestion(value: unknown): UnansweredQuestion | undefined {
  if (!value || typeof value !== "object") return undefined;
  const v = value as Partial<UnansweredQuestion>;
  if (typeof v.text !== "string" || typeof v.count !== "number" || typeof v.firstAt !== "number" || typeof v.lastAt !== "number") return undefined;
  return {
    text: v.text,
    count: v.count,
    firstAt: v.firstAt,
    lastAt: v.lastAt,
    closest: typeof v.closest === "string" ? v.closest : null,
    offered: v.offered === true,
  };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function day(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}
