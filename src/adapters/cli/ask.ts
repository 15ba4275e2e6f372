/** `railcache ask`: one question, or JSON lines on stdin for batch evaluation. */
import { createInterface } from "node:readline";
import { z } from "zod";
import { renderText } from "../console/render.js";
import type { AnswerEngine, AnswerResult } from "../../core/kb/types.js";
import { truncate } from "../../core/text/truncate.js";
import { CliError, printJson, readStdin, useColour } from "./io.js";

// The id comes back exactly as it was sent: a number stays a number, so callers can join on it.
const jsonlInput = z.object({ id: z.union([z.string(), z.number()]), text: z.string() });

/** The stable batch-output shape (the evaluation harness depends on it); `sections` lists every section shown. */
export function jsonlRecord(id: string | number, result: AnswerResult, explain = false) {
  return {
    id,
    matched: result.matched,
    confidence: result.confidence,
    section: result.section,
    answer: result.answer,
    sections: result.sections,
    ...(explain ? { explain: result.explain } : {}),
  };
}

export async function askCommand(answers: AnswerEngine, words: string[], options: { json?: boolean; jsonl?: boolean; explain?: boolean }): Promise<void> {
  if (options.jsonl) return askJsonl(answers, options.explain ?? false);
  const text = words.length ? words.join(" ") : process.stdin.isTTY ? "" : await readStdin();
  if (!text.trim()) throw new CliError('Give a question, e.g. railcache ask "FieldError after deploy", or pipe a traceback on stdin.', 2);
  const result = answers.answer(text);
  if (options.json) return printJson(result);
  const title = result.matched && result.section ? result.section.title : "Not something I know";
  process.stdout.write(`${renderText({ title, body: result.answer, actions: result.actions.filter((a) => a.kind === "link") }, { colour: useColour() })}\n`);
  if (result.section) process.stdout.write(`\n(section: ${result.sections.map((s) => s.id).join(" + ")}, confidence ${result.confidence})\n`);
  else if (result.offered) process.stdout.write(`\n(not answered; closest section: ${result.offered.id})\n`);
  if (options.explain) process.stdout.write(`\n${explainText(result)}\n`);
}

const SECOND_WHY = {
  asked: "the message asks it too",
  close: "it fits nearly as well as the first",
  next: "the first section names it next:",
  best: "it fits the whole message best; the first answers the question the message opens with",
} as const;

/** Why the engine answered (or refused) as it did, for runbook authors debugging a miss. */
export function explainText(result: AnswerResult): string {
  const { explain } = result;
  const lines = [
    `Decision: ${decisionText(result)}`,
    `Accept rule: best section >= ${explain.threshold.toFixed(2)} (a team section >= ${explain.teamThreshold.toFixed(2)}), and (best section - near misses) + ${explain.linearWeight} x linear margin >= ${explain.margin.toFixed(2)}` +
      ` (refused, but offered, down to ${explain.closeMargin.toFixed(2)}); a team section must also be at least as similar as the near misses`,
    `Near misses (off-topic examples): ${explain.offTopicScore.toFixed(2)}`,
    `Linear margin (best section's probability - near misses'): ${explain.linearMargin.toFixed(2)}`,
    `Best sections (ranked by similarity + ${explain.rankingWeight} x probability):`,
    ...explain.candidates.map((c, i) => `  ${i + 1}. ${c.id.padEnd(44)} similarity ${c.score.toFixed(2)}  probability ${c.probability.toFixed(2)}`),
    "Nearest examples:",
    ...explain.nearest.map((n) => `  ${n.similarity.toFixed(2)}  ${n.example ? n.id : `${n.id} (section text)`}: ${truncate(n.text.replace(/\s+/g, " "), 90)}`),
    `Signals: ${explain.signalTokens.length ? explain.signalTokens.join(", ") : "none"}${explain.notCache ? ` (not a cache error: ${explain.notCache})` : ""}`,
  ];
  if (explain.otherPlatforms?.length) {
    lines.push(
      `Another platform named, and not Railway: ${explain.otherPlatforms.join(", ")} (the model reads that as asking about that platform, as its near misses do; naming Railway too drops it)`,
    );
  }
  if (explain.questions?.length) {
    lines.push("Questions, in the order asked:", ...explain.questions.map((q, i) => `  ${i + 1}. ${q.section.padEnd(28)} ${truncate(q.text, 80)}`));
  }
  if (explain.second) lines.push(`Second section: ${explain.second.id} (${SECOND_WHY[explain.second.why]})`);
  if (result.signals?.terms.length) lines.push(`Words shared with the chosen section: ${result.signals.terms.join(", ")}`);
  if (!result.matched) {
    if (explain.nearest[0]?.nearMiss) lines.push("The nearest example is a near miss: that is what refused the question.");
    lines.push("To fix a miss: add the question (as users write it) to the section's `examples:` front-matter.");
  }
  return lines.join("\n");
}

function decisionText(result: AnswerResult): string {
  if (result.matched) return `answered with ${result.sections.map((s) => s.id).join(" + ")}`;
  if (result.offered && result.explain.nearMissCloser)
    return `refused, offering ${result.offered.id} (it clears the rule, but a near miss is at least as similar)`;
  if (result.offered) return `refused, offering ${result.offered.id} (it fits, but the margin falls short)`;
  return "refused (no section fits well enough)";
}

async function askJsonl(answers: AnswerEngine, explain: boolean): Promise<void> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (!line.trim()) continue;
    let parsed: z.infer<typeof jsonlInput>;
    try {
      parsed = jsonlInput.parse(JSON.parse(line));
    } catch {
      // One bad line must not lose the rest of the batch.
      process.stdout.write(`${JSON.stringify({ id: null, line: lineNumber, error: 'expected {"id": "...", "text": "..."}' })}\n`);
      continue;
    }
    process.stdout.write(`${JSON.stringify(jsonlRecord(parsed.id, answers.answer(parsed.text), explain))}\n`);
  }
}
