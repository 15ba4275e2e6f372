/**
 * A team's own test of its runbooks: the questions its people ask, each with the heading that
 * should answer it (or none: it must be refused), scored against the knowledge base as the bot
 * answers. Run in CI, it says when a new example or heading takes another heading's questions.
 */
import path from "node:path";
import { z } from "zod";
import { closest } from "../text/closest.js";
import { plainHeading } from "./loader.js";
import type { AnswerEngine, Section } from "./types.js";

export interface CheckQuestion {
  line: number;
  text: string;
  /** Section ids, any of which may answer (the first is the best); null: the question must be refused. */
  expect: string[] | null;
}

export interface CheckMiss {
  line: number;
  text: string;
  expect: string[] | null;
  /** The section that answered, or null when it was refused. */
  got: string | null;
  /** The section a refusal offered ("Show: <topic>"), if any. */
  offered?: string;
}

export interface CheckReport {
  /** Questions with a section expected, and how many of those the expected section answered. */
  asked: number;
  right: number;
  /** Questions that must be refused, and how many were. */
  refusals: number;
  refused: number;
  misses: CheckMiss[];
}

/** One line of a questions file. */
const questionLine = z.object({
  text: z.string({ error: 'needs "text", the question as people ask it' }).trim().min(1, 'needs "text", the question as people ask it'),
  expect: z.union([z.string(), z.array(z.string()).min(1), z.null()], {
    error: 'needs "expect": the heading that should answer it, a list of them, or null when it must be refused',
  }),
});

/** A line is one JSON object: {"text": "...", "expect": "Heading" | ["Heading", "other-id"] | null}. */
export function parseCheckQuestions(source: string, sections: readonly Section[]): { questions: CheckQuestion[]; problems: string[] } {
  const questions: CheckQuestion[] = [];
  const problems: string[] = [];
  // A file saved by an editor that writes a byte-order mark would otherwise fail on its first line.
  const lines = source.replace(/^\uFEFF/, "").split("\n");
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === "" || raw.trimStart().startsWith("//")) return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      problems.push(`line ${line}: not a JSON object: ${raw.slice(0, 60)}`);
      return;
    }
    const parsed = questionLine.safeParse(value);
    if (!parsed.success) {
      problems.push(`line ${line}: ${parsed.error.issues[0]?.message ?? "not a question"}`);
      return;
    }
    const { text, expect } = parsed.data;
    if (expect === null) {
      questions.push({ line, text, expect: null });
      return;
    }
    const found = (typeof expect === "string" ? [expect] : expect).map((name) => sectionNamed(name, sections));
    const ids = found.filter((f): f is string => typeof f === "string");
    for (const f of found) if (typeof f !== "string") problems.push(`line ${line}: ${f.problem}`);
    if (ids.length === found.length) questions.push({ line, text, expect: ids });
  });
  return { questions, problems };
}

/** A section by its id, its heading, or "file.md#Heading" where two runbooks share a heading. */
function sectionNamed(name: string, sections: readonly Section[]): string | { problem: string } {
  const byId = sections.find((s) => s.id === name);
  if (byId) return byId.id;
  const hash = name.lastIndexOf("#");
  const file = hash > 0 ? name.slice(0, hash).trim() : undefined;
  // The heading as it reads or as written: "Wiring `DATABASE_URL`" names "Wiring DATABASE_URL".
  const title = plainHeading(hash > 0 ? name.slice(hash + 1) : name);
  const matching = sections.filter((s) => s.title === title && (!file || path.basename(s.file) === file));
  if (matching.length === 1) return matching[0]!.id;
  if (matching.length > 1) {
    const where = matching.map((s) => `"${path.basename(s.file)}#${s.title}"`).join(" or ");
    return { problem: `"${name}" is a heading of ${matching.length} files: write ${where}` };
  }
  const near = closest(title, [...sections.map((s) => s.title), ...sections.map((s) => s.id)], 1)[0];
  return { problem: `no heading or section "${name}"${near ? ` (did you mean "${near}"?)` : ""}` };
}

/** Each question answered as the bot would answer it, against what was expected. */
export function checkQuestions(engine: AnswerEngine, questions: readonly CheckQuestion[]): CheckReport {
  const report: CheckReport = { asked: 0, right: 0, refusals: 0, refused: 0, misses: [] };
  for (const q of questions) {
    const result = engine.answer(q.text);
    const got = result.matched ? (result.section?.id ?? null) : null;
    const ok = q.expect === null ? !result.matched : got !== null && q.expect.includes(got);
    if (q.expect === null) {
      report.refusals++;
      if (ok) report.refused++;
    } else {
      report.asked++;
      if (ok) report.right++;
    }
    if (!ok) report.misses.push({ line: q.line, text: q.text, expect: q.expect, got, ...(result.offered ? { offered: result.offered.id } : {}) });
  }
  return report;
}
