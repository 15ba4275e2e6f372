/** `railcache ask`: one question, or JSON lines on stdin for batch evaluation. */
import { createInterface } from "node:readline";
import { z } from "zod";
import { renderText } from "../adapters/console/render.js";
import type { AnswerEngine, AnswerResult } from "../core/kb/types.js";
import { CliError, printJson, readStdin, useColour } from "./io.js";

const jsonlInput = z.object({ id: z.union([z.string(), z.number()]).transform(String), text: z.string() });

/** The stable batch-output shape (the evaluation harness depends on it). */
export function jsonlRecord(id: string, result: AnswerResult) {
  return { id, matched: result.matched, confidence: result.confidence, section: result.section, answer: result.answer };
}

export async function askCommand(answers: AnswerEngine, words: string[], options: { json?: boolean; jsonl?: boolean }): Promise<void> {
  if (options.jsonl) return askJsonl(answers);
  const text = words.length ? words.join(" ") : process.stdin.isTTY ? "" : await readStdin();
  if (!text.trim()) throw new CliError('Give a question, e.g. railcache ask "FieldError after deploy", or pipe a traceback on stdin.', 2);
  const result = answers.answer(text);
  if (options.json) return printJson(result);
  const title = result.matched && result.section ? result.section.title : "Not something I know";
  process.stdout.write(`${renderText({ title, body: result.answer, actions: result.actions.filter((a) => a.kind === "link") }, { colour: useColour() })}\n`);
  if (result.section) process.stdout.write(`\n(section: ${result.section.id}, confidence ${result.confidence})\n`);
}

async function askJsonl(answers: AnswerEngine): Promise<void> {
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
    process.stdout.write(`${JSON.stringify(jsonlRecord(parsed.id, answers.answer(parsed.text)))}\n`);
  }
}
