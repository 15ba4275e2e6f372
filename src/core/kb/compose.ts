/**
 * Builds the visible answer from one or two sections within the chat budget. A section's text is
 * split into blocks (paragraphs, lists, code); its opening block always shows, then the blocks
 * that share the most words with the question, from the answer or from "see more", so the fact
 * asked for is on screen and not only behind a button.
 */
import { queryTerms } from "./terms.js";
import type { Section, SignatureMatch } from "./types.js";

/** Longest answer text the engine returns. */
export const MAX_ANSWER_CHARS = 1_200;
const MAX_SHOWN_ERROR_LINE = 140;
/** A "see more" block must share at least this many words with the question to be pulled up. */
const MIN_MORE_RELEVANCE = 2;

interface Block {
  text: string;
  position: number;
  /** The block's words (processed terms, distinct). */
  terms: string[];
}

interface RankedBlock extends Block {
  relevance: number;
}

/** Each section's blocks and their words, worked out once: per answer, they were half of what an answer allocated. */
const blocksCache = new WeakMap<Section, { answer: Block[]; more: Block[] }>();

function sectionBlocks(section: Section): { answer: Block[]; more: Block[] } {
  let blocks = blocksCache.get(section);
  if (!blocks) blocksCache.set(section, (blocks = { answer: blocksOf(section.answer, false), more: blocksOf(section.more, true) }));
  return blocks;
}

export interface ComposeInput {
  sections: Section[];
  /** The question's words (processed terms): what makes a block relevant. */
  question: string;
  signatures: SignatureMatch[];
  /** The message asks something (rather than only pasting a log): a "see more" block may replace answer blocks. */
  asks: boolean;
  /** A sentence to add under the answer (e.g. "the log also shows a syntax error"). */
  caveat?: string;
}

export function composeAnswer(input: ComposeInput): string {
  const wanted = new Set(queryTerms(input.question, 64));
  const lead = recognisedLine(input.signatures);
  const caveat = input.caveat ? `\n\n${input.caveat}` : "";
  const [first, second] = input.sections;
  if (!first) return "";
  let budget = MAX_ANSWER_CHARS - lead.length - caveat.length;
  if (!second) return lead + pick(first, wanted, budget, input.asks) + caveat;
  const heading = `\n\n**${second.title}**\n`;
  budget -= heading.length;
  // The first section gets the larger share; what it leaves unused goes to the second.
  const firstText = pick(first, wanted, Math.floor(budget * 0.55), input.asks);
  const secondText = pick(second, wanted, budget - firstText.length, input.asks);
  return lead + firstText + heading + secondText + caveat;
}

/** "Recognised: <label> (`<line>`)." for the strongest signature, or nothing. */
function recognisedLine(signatures: SignatureMatch[]): string {
  const top = signatures[0];
  const line = top?.lines[0];
  if (!top || !line) return "";
  const shown = line.length > MAX_SHOWN_ERROR_LINE ? `${line.slice(0, MAX_SHOWN_ERROR_LINE)}…` : line;
  return `Recognised: ${top.label} (\`${shown.replace(/`/g, "'")}\`).\n\n`;
}

/**
 * The section's visible answer (all of it when it fits, else its opening block and its most
 * relevant blocks), plus the "see more" block that shares the most words with the question: added
 * when there is room or, for a question (not a bare pasted log, which needs the steps), in place
 * of answer blocks less to the point than it.
 */
function pick(section: Section, wanted: Set<string>, budget: number, asks: boolean): string {
  const ranked = (block: Block): RankedBlock => ({ ...block, relevance: block.terms.reduce((n, t) => (wanted.has(t) ? n + 1 : n), 0) });
  const blocks = sectionBlocks(section);
  const answer = blocks.answer.map(ranked);
  const more = blocks.more.map(ranked);
  const [opening, ...rest] = answer;
  if (!opening) return "";
  const chosen = [opening];
  const size = () => chosen.reduce((n, b) => n + b.text.length + 2, -2);
  for (const block of [...rest].sort((a, b) => b.relevance - a.relevance || a.position - b.position)) {
    if (size() + 2 + block.text.length <= budget) chosen.push(block);
  }
  const [best] = more.filter((b) => b.relevance >= MIN_MORE_RELEVANCE).sort((a, b) => b.relevance - a.relevance || a.position - b.position);
  if (best) {
    // Make room by dropping the answer blocks least to the point, never the opening one.
    const droppable = (asks ? chosen.slice(1) : [])
      .filter((b) => b.relevance < best.relevance)
      .sort((a, b) => a.relevance - b.relevance || b.position - a.position);
    const dropped: RankedBlock[] = [];
    while (size() + 2 + best.text.length > budget && droppable.length > 0) {
      const out = droppable.shift()!;
      chosen.splice(chosen.indexOf(out), 1);
      dropped.push(out);
    }
    if (size() + 2 + best.text.length <= budget) chosen.push(best);
    else chosen.push(...dropped);
  }
  chosen.sort((a, b) => a.position - b.position);
  const text = chosen.map((b) => b.text).join("\n\n");
  return text.length <= budget ? text : cutAtLine(text, budget);
}

/** Paragraphs, lists and fenced code of a markdown text (a fence is never split). */
function blocksOf(text: string, fromMore: boolean): Block[] {
  const blocks: Block[] = [];
  let current: string[] = [];
  let inFence = false;
  const flush = () => {
    const joined = current.join("\n").trim();
    if (joined) blocks.push({ text: joined, position: (fromMore ? 10_000 : 0) + blocks.length, terms: queryTerms(joined, 200) });
    current = [];
  };
  for (const line of text.split("\n")) {
    if (/^\s*```/.test(line)) inFence = !inFence;
    if (!inFence && line.trim() === "") flush();
    else current.push(line);
  }
  flush();
  return blocks;
}

function cutAtLine(text: string, budget: number): string {
  // Room for the ellipsis and, when needed, a closing fence ("\n```\n…").
  const room = budget - 6;
  const cut = text.lastIndexOf("\n", room);
  const at = cut > room / 2 ? cut : room;
  const kept = text.slice(0, at).trimEnd();
  // Close a code fence the cut left open, or the rest of the message renders as code.
  const openFence = (kept.match(/^\s*```/gm)?.length ?? 0) % 2 === 1;
  return openFence ? `${kept}\n\`\`\`\n…` : `${kept}\n…`;
}
