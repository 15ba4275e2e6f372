/**
 * The knowledge base as a stored model keeps it: the sections without their example texts, which
 * wait as UTF-8 bytes until something reads them (--explain's nearest examples, the words a question
 * shares with its section). Parsing them was a quarter of a stored model's load, and routing never
 * reads them: the model holds what it learned from them.
 */
import type { KnowledgeBase, Section } from "./types.js";

export interface StoredKnowledge {
  sections: Omit<Section, "examples">[];
  problems: KnowledgeBase["problems"];
  /** UTF-8 JSON of the texts (ExampleTexts), stored as raw bytes (model-file.ts). */
  texts: Uint8Array;
}

interface ExampleTexts {
  /** Each section's examples, in the sections' order. */
  examples: string[][];
  offTopic: string[];
  teamMayAnswer: string[];
  teamNegatives: string[];
}

export function storedKnowledge(kb: KnowledgeBase): StoredKnowledge {
  const texts: ExampleTexts = {
    examples: kb.sections.map((s) => s.examples),
    offTopic: kb.offTopic,
    teamMayAnswer: kb.teamMayAnswer,
    teamNegatives: kb.teamNegatives,
  };
  return {
    sections: kb.sections.map(({ examples: _examples, ...section }) => section),
    problems: kb.problems,
    texts: new TextEncoder().encode(JSON.stringify(texts)),
  };
}

/** The knowledge base a stored model holds, its texts read the first time something asks; undefined when it is not one. */
export function restoredKnowledge(value: unknown): KnowledgeBase | undefined {
  const stored = value as Partial<StoredKnowledge> | undefined;
  if (!stored || !(stored.texts instanceof Uint8Array) || !Array.isArray(stored.problems) || !Array.isArray(stored.sections)) return undefined;
  if (!stored.sections.every(isStoredSection)) return undefined;
  const bytes = stored.texts;
  const count = stored.sections.length;
  let texts: ExampleTexts | undefined;
  const read = (): ExampleTexts => (texts ??= parseTexts(bytes, count));
  const sections = stored.sections.map(
    (section, index) => Object.defineProperty({ ...section }, "examples", { get: () => read().examples[index]!, enumerable: true }) as Section,
  );
  return Object.defineProperties(
    { sections, problems: stored.problems } as Omit<KnowledgeBase, "offTopic" | "teamMayAnswer" | "teamNegatives"> as KnowledgeBase,
    {
      offTopic: { get: () => read().offTopic, enumerable: true },
      teamMayAnswer: { get: () => read().teamMayAnswer, enumerable: true },
      teamNegatives: { get: () => read().teamNegatives, enumerable: true },
    },
  );
}

function isStoredSection(value: unknown): value is Omit<Section, "examples"> {
  const s = value as Partial<Section> | undefined;
  return !!s && typeof s.id === "string" && typeof s.title === "string" && typeof s.answer === "string" && Array.isArray(s.actions);
}

/** The texts, or none for damaged bytes: no answer depends on them, only what --explain names. */
function parseTexts(bytes: Uint8Array, sectionCount: number): ExampleTexts {
  const none: ExampleTexts = { examples: Array.from({ length: sectionCount }, () => []), offTopic: [], teamMayAnswer: [], teamNegatives: [] };
  try {
    const parsed = JSON.parse(new TextDecoder().decode(bytes)) as Partial<ExampleTexts>;
    const strings = (list: unknown): list is string[] => Array.isArray(list) && list.every((t) => typeof t === "string");
    const { examples, offTopic, teamMayAnswer, teamNegatives } = parsed;
    if (!Array.isArray(examples) || examples.length !== sectionCount || !examples.every(strings)) return none;
    if (!strings(offTopic) || !strings(teamMayAnswer) || !strings(teamNegatives)) return none;
    return { examples, offTopic, teamMayAnswer, teamNegatives };
  } catch {
    return none;
  }
}
