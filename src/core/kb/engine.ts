/**
 * The answer engine, one pipeline: clean the chat text -> extract signals (error signatures, an
 * error a stale cache does not cause) -> route with a model built from the sections' examples
 * and text (router.ts) -> accept or refuse with the fitted rule -> compose up to two sections.
 * Built once per knowledge base; answering is synchronous and deterministic.
 */
import { createHash } from "node:crypto";
import type { Action } from "../reply.js";
import { cleanChatText } from "../text/chat-format.js";
import { MAX_ANSWER_CHARS, composeAnswer } from "./compose.js";
import { WordMemo, extractFeatures } from "./features.js";
import { knowledgeFingerprint, loadKnowledgeBase } from "./loader.js";
import type { LoadOptions } from "./loader.js";
import type { NotCacheError } from "./not-cache.js";
import { decodeModel, encodeModel } from "./model-file.js";
import { LINEAR_MARGIN_SHARE, LINEAR_SHARE, OFF_TOPIC, Router, TEAM_MAY_ANSWER, teamThreshold } from "./router.js";
import type { AcceptRule, Decision, LabelledFeatures, RouterState } from "./router.js";
import { extractSignals, routingText } from "./signals.js";
import type { Signals } from "./signals.js";
import { Speller } from "./speller.js";
import { restoredKnowledge, storedKnowledge } from "./stored-knowledge.js";
import type { StoredKnowledge } from "./stored-knowledge.js";
import { queryTerms } from "./terms.js";
import type { AnswerEngine, AnswerExplanation, AnswerOptions, AnswerResult, KnowledgeBase, ModelCache, Section } from "./types.js";

export { MAX_ANSWER_CHARS };

/**
 * A team runbook section within this share of the best built-in section's score answers instead.
 * 0.85 let a team heading take built-in questions that share its words (a CORS package bumped in
 * requirements.txt, a custom start command on the team's service): over fourteen teams' runbooks and
 * three example orders, built-in questions 416 -> 431 of 480 at 0.9 to 1.0, team questions 901 -> 898.
 */
const TEAM_PREFERENCE = 0.95;
/** A second section is shown when it scores at least this share of the first. */
const CLOSE_SECOND = 0.9;
/** A question of a two-question message needs this share of the threshold for its own section... */
const PART_THRESHOLD_SHARE = 0.8;
/** ...and this share of the score of the section that fits it best. */
const PART_CLOSE = 0.75;
/** In a message asked in order, a question whose best section is already shown takes its next one at this share of the best's score. */
const NEXT_PICK_SHARE = 0.5;
/** Questions of one message routed on their own, at most. */
const MAX_QUESTIONS = 4;
/**
 * Longer than this (the compared text, without log lines), a message's one question counts
 * FOCUS_COPIES times (focused): on the tunable sets over six example orders, 1 to 3 more on-topic
 * questions right in each order and the same near misses refused (twice: 0 to 2 more); from 200 or
 * shorter it starts answering near misses, from 400 it gains less.
 */
const FOCUS_CHARS = 250;
/**
 * Three, four and five copies answer the tunable sets alike over twelve example orders; with 376 more
 * examples, three let a story about reorganising apps outweigh "Which variable forces a clean build?".
 */
const FOCUS_COPIES = 4;
/**
 * A question of a message that asks several things, of at least this many words, says what it asks on its own:
 * routed with the rest of the message as context, it counts FOCUS_COPIES times; a shorter one ("is that a stale
 * build?", "what should we plan for?") leans on that context and counts twice. Over twelve example orders, the
 * tunable sets' cost 1,121 -> 1,075 and with the cross-validation 6,912 -> 6,869 (6 words at three copies: 1,086;
 * 12 at four: 1,092; 8 at six: 1,072 but 7 held-out answers fewer; no context at all for them: 1,123).
 */
const FULL_QUESTION_WORDS = 8;
/** A question's section counts as fitting when the whole message ranks it this high. */
const SUPPORTING_RANKS = 3;
/** Messages up to this long are split into questions, each routed on its own. */
const MAX_SPLIT_CHARS = 600;
const MAX_CANDIDATES = 5;
/**
 * Words a question opens with, "whats", "hows" and "where's" among them (chat spelling): on the tunable
 * sets over six example orders, one more on-topic question right in each order, the same near misses refused.
 */
const QUESTION_WORDS = "how(?:['’]?s)?|what(?:['’]?s)?|why|where(?:['’]?s)?|when|which|who|is|are|do|does|did|can|could|should|will|would";
/** A question mark or a sentence opening with a question word: the message asks something. */
const ASKS = new RegExp(`\\?|(?:^|[.!]\\s+|\\n)\\s*(?:${QUESTION_WORDS})\\b`, "i");

export interface EngineOptions {
  /** Keeps the built model between runs (see ModelCache); without it the model is built every time. */
  modelCache?: ModelCache;
}

export function createAnswerEngine(kb: KnowledgeBase, options: EngineOptions = {}): AnswerEngine {
  const cache = options.modelCache;
  if (!cache) return engineFrom(kb, trainModel(kb));
  const key = modelKey(kb);
  return engineFrom(kb, restoreModel(cache.read(key))?.model ?? storeModel(cache, key, kb, trainModel(kb)));
}

/**
 * Loads the knowledge base and builds its engine, or, when the cache holds a model built from the
 * very same files (by their bytes), takes the sections and the model from there without parsing a
 * file: the start-up path of the CLI and the bot.
 */
export function openAnswerEngine(options: LoadOptions & EngineOptions = {}): { engine: AnswerEngine; kb: KnowledgeBase } {
  const cache = options.modelCache;
  if (!cache) {
    const kb = loadKnowledgeBase(options);
    return { engine: engineFrom(kb, trainModel(kb)), kb };
  }
  const key = filesKey(options);
  const restored = restoreModel(cache.read(key));
  const storedKb = restored && restoredKnowledge(restored.kb);
  if (restored && storedKb) return { engine: engineFrom(storedKb, restored.model), kb: storedKb };
  const kb = loadKnowledgeBase(options);
  return { engine: engineFrom(kb, storeModel(cache, key, kb, trainModel(kb))), kb };
}

/** Whether `cache` holds a model openAnswerEngine would use for these files, instead of building one. */
export function hasStoredModel(cache: ModelCache, options: LoadOptions = {}): boolean {
  const restored = restoreModel(cache.read(filesKey(options)));
  return restored !== undefined && restoredKnowledge(restored.kb) !== undefined;
}

/** The key of the model built from the files `options` names (by their names and bytes: no file is parsed). */
function filesKey(options: LoadOptions): string {
  return `files-${knowledgeFingerprint(options)}`;
}

function engineFrom(kb: KnowledgeBase, { router, speller }: Model): AnswerEngine {
  const sections = kb.sections;
  const byId = new Map(sections.map((section) => [section.id, section]));
  const correct = (word: string) => speller.correct(word);
  const topicsText = buildTopicsText(sections);
  const unmatchedText = `I couldn't match that to the railcache runbook. ${topicsText}`;
  // The training documents' texts, in the router's order, worked out the first time an explanation names one.
  let sources: DocumentSource[] | undefined;
  const source = (doc: number): DocumentSource | undefined => {
    const found = (sources ??= documentSources(kb))[doc];
    // A near miss that stepped aside for a team section is named as the router learned it.
    return found && { ...found, label: router.labelOf(doc) ?? found.label };
  };
  // Each section's words, worked out the first time an answer from it lists the shared words.
  const vocabularies = new Map<string, Set<string>>();
  const vocabulary = (section: Section): Set<string> => {
    let words = vocabularies.get(section.id);
    if (!words) vocabularies.set(section.id, (words = new Set(queryTerms(sectionText(section), 100_000))));
    return words;
  };

  /** Routes the part of a cleaned message worth comparing (see routingText). */
  function route(routed: string, signals: Signals): Decision {
    return router.decide(extractFeatures(routed, signals.tokens, { correct }));
  }

  function answer(text: string, options: AnswerOptions = {}): AnswerResult {
    const cleaned = cleanChatText(text);
    const routed = routingText(cleaned);
    const signals = extractSignals(cleaned);
    const parts = questionParts(routed);
    // The message's features are kept: --explain names the other platforms they hold.
    const features = extractFeatures(focused(routed, parts.questions), signals.tokens, { correct });
    const decision = router.decide(features);
    const explain = explanation(decision, signals, router.rule, source);
    if (features.otherPlatforms) explain.otherPlatforms = features.otherPlatforms;
    const top = preferTeam(decision);
    const found = decision.accepted && top ? byId.get(top.label) : undefined;
    if (!found || !top) {
      // Only just refused: offer the best section rather than guess (a not-a-cache error has advice of its own).
      const offered = decision.close && top && !signals.notCache ? byId.get(top.label) : undefined;
      return unmatched(signals, explain, offered);
    }

    // A message that asks two things is answered in the order it asks them, when each question
    // found its section; otherwise the message's best section leads (unless the message opens with
    // the question that the second section answers: see secondSection).
    const asked = askedInOrder(parts, decision);
    const primary = asked.length === 2 ? asked[0]!.section : found;
    const askedSecond = asked.length === 2 ? asked[1] : asked.find((a) => a.section.id !== found.id);
    // A question answered from one section alone gets the section its content says comes next
    // (a stale-cache diagnosis, then the steps to fix it).
    const next = ASKS.test(routed) && primary.next ? byId.get(primary.next) : undefined;
    const second: SecondSection | undefined = askedSecond
      ? { section: askedSecond.section, why: "asked" }
      : (secondSection(cleaned, decision, primary.id) ?? (next ? { section: next, why: "next" } : undefined));
    // The message opens with the question the second section answers: shown in the order asked.
    const lead = second?.asksFirst ? second.section : primary;
    const shown = second ? [lead, second.asksFirst ? primary : second.section] : [lead];
    if (asked.length > 0) explain.questions = asked.map((a) => ({ text: a.question, section: a.section.id }));
    if (second) explain.second = second.asksFirst ? { id: primary.id, why: "best" } : { id: second.section.id, why: second.why };
    const caveat = signals.notCache ? notCacheCaveat(signals.notCache) : undefined;
    return {
      matched: true,
      confidence: confidence(top.score, router.thresholdFor(top.label)),
      section: { id: lead.id, title: lead.title },
      sections: shown.map((s) => ({ id: s.id, title: s.title })),
      answer: composeAnswer({ sections: shown, question: cleaned, asks: ASKS.test(routed), signatures: signals.signatures, ...(caveat ? { caveat } : {}) }),
      actions: sectionActions(shown, options),
      signals: {
        signatures: signals.signatures,
        terms: queryTerms(routed, 32).filter((t) => vocabulary(lead).has(t)),
      },
      explain,
    };
  }

  /**
   * The best section, or a team runbook section that fits nearly as well (or at all, when the best
   * is a fallback): a team's own runbook knows its setup better than the built-in one.
   */
  function preferTeam(decision: Decision): Decision["ranked"][number] | undefined {
    const top = decision.ranked[0];
    const section = top && byId.get(top.label);
    if (!top || !section || section.origin === "team") return top;
    const team = decision.ranked.find((c) => byId.get(c.label)?.origin === "team");
    if (!team || team.score < router.rule.threshold) return top;
    // A fallback section stands in for the team's own knowledge: any team section that fits wins.
    return section.fallback || team.score >= TEAM_PREFERENCE * top.score ? team : top;
  }

  /**
   * The sections of a message that asks two or more things, in the order it asks them. Each
   * question is routed with what the message says besides its questions as context; it takes
   * its best section not picked yet (another one only when it scores at least half as much),
   * when that section fits it better than the near misses or is among the message's own best.
   */
  function askedInOrder({ questions: all, context }: QuestionParts, decision: Decision): { section: Section; question: string }[] {
    // Each question is routed on its own: a message of fifty question marks costs no more than four.
    const questions = all.slice(0, MAX_QUESTIONS);
    if (questions.length < 2) return [];
    const supported = new Set(decision.ranked.slice(0, SUPPORTING_RANKS).map((c) => c.label));
    const picks: { section: Section; question: string }[] = [];
    for (const question of questions) {
      const part = route(routingText(`${`${question}\n`.repeat(partCopies(question))}${context}`), extractSignals(question));
      const first = preferTeam(part);
      if (!first || first.score < PART_THRESHOLD_SHARE * router.rule.threshold) continue;
      if (!supported.has(first.label) && first.score - part.offTopic + LINEAR_MARGIN_SHARE * part.linearMargin < router.rule.margin) continue;
      const pick = [first, ...part.ranked].find((c) => !picks.some((p) => p.section.id === c.label));
      const section = pick && (pick === first || pick.score >= NEXT_PICK_SHARE * first.score) ? byId.get(pick.label) : undefined;
      if (section) picks.push({ section, question });
      if (picks.length === 2) break;
    }
    return picks;
  }

  /**
   * A second section when the message asks two things, or when two sections fit almost equally.
   * When the message opens with a question and that question's own best section is this one, it is
   * shown first (asksFirst): "Will Railway stop reading our railway.toml after the cutoff? … Separately,
   * can editing requirements.txt bust the build cache" answers the cutoff first, though the second ask
   * fits the whole message best. Over twelve example orders, the tunable sets' cost 1,148 -> 1,121 and
   * with the cross-validation 6,962 -> 6,912; held-out on-topic 2,193 -> 2,194 of 2,302.
   */
  function secondSection(cleaned: string, decision: Decision, primaryId: string): SecondSection | undefined {
    const questions = splitQuestions(cleaned);
    if (questions.length >= 2) {
      // Each question on its own: the best section other than the one already shown, when it
      // fits nearly as well as that question's best and better than the near misses.
      for (const [index, question] of questions.entries()) {
        // The question weighs most, the rest of the message gives it context ("that", "it").
        const part = route(routingText(`${question}\n${question}\n${cleaned}`), extractSignals(question));
        const [first, next] = part.ranked;
        const pick = first?.label !== primaryId ? first : next;
        if (!pick || !first) continue;
        const section = byId.get(pick.label);
        if (section && pick.score >= PART_THRESHOLD_SHARE * router.rule.threshold && pick.score >= PART_CLOSE * first.score && pick.score > part.offTopic) {
          return { section, why: "asked", ...(index === 0 && pick === first && isQuestion(question) ? { asksFirst: true } : {}) };
        }
      }
      return undefined;
    }
    const runnerUp = decision.ranked.find((c) => c.label !== primaryId);
    const section = runnerUp && byId.get(runnerUp.label);
    if (section && runnerUp.score >= router.rule.threshold && runnerUp.score >= CLOSE_SECOND * (decision.ranked[0]?.score ?? 0)) {
      return { section, why: "close" };
    }
    return undefined;
  }

  function unmatched(signals: Signals, explain: AnswerExplanation, offered?: Section): AnswerResult {
    const other = signals.notCache;
    return {
      matched: false,
      confidence: 0,
      section: null,
      sections: [],
      // Specific advice replaces the list of topics: it says what to fix.
      answer: other
        ? `${notCacheLead(other)}\n\n${other.advice ? other.advice : unmatchedText}`
        : offered
          ? `${offeredLead(offered)}\n\n${topicsText}`
          : unmatchedText,
      actions: offered ? [{ kind: "show_answer", label: `Show: ${shortTitle(offered.title)}`, value: offered.id }] : [],
      signals: { signatures: signals.signatures, terms: [] },
      ...(offered ? { offered: { id: offered.id, title: offered.title } } : {}),
      explain,
    };
  }

  function sectionAnswer(id: string, options: AnswerOptions = {}): AnswerResult | undefined {
    const section = byId.get(id);
    if (!section) return undefined;
    return {
      matched: true,
      confidence: 1,
      section: { id: section.id, title: section.title },
      sections: [{ id: section.id, title: section.title }],
      answer: composeAnswer({ sections: [section], question: "", asks: false, signatures: [] }),
      actions: sectionActions([section], options),
      signals: { signatures: [], terms: [] },
      explain: explanation(EMPTY_DECISION, extractSignals(""), router.rule, source),
    };
  }

  return {
    answer,
    section: (id) => byId.get(id),
    sectionAnswer,
    sections: () => [...sections],
    rule: () => ({ ...router.rule }),
  };
}

/** The section shown second, and why: the message asks it, it scores nearly as well, or the first names it `next:`. */
interface SecondSection {
  section: Section;
  why: Exclude<NonNullable<AnswerExplanation["second"]>["why"], "best">;
  /** The message's opening question asks it: it is shown first, the message's best section second. */
  asksFirst?: boolean;
}

/** Bump when the model's features or stored form change: older stored models are then ignored. */
const MODEL_FORMAT = "railcache-answer-model/25";

interface StoredModel {
  format: string;
  router: RouterState;
  words: [string, number][];
  /** The sections it was built from: openAnswerEngine takes them instead of parsing the files. */
  kb?: StoredKnowledge;
}

interface Model {
  router: Router;
  speller: Speller;
}

function trainModel(kb: KnowledgeBase): Model {
  const speller = new Speller();
  return { router: Router.train(trainingDocs(kb, speller)), speller };
}

/** The model in a stored copy (and the sections stored with it), or undefined for none, a damaged or foreign file, or an older format. */
function restoreModel(stored: Uint8Array | undefined): { model: Model; kb: unknown } | undefined {
  if (stored === undefined) return undefined;
  try {
    const parsed = decodeModel(stored) as StoredModel;
    if (parsed.format !== MODEL_FORMAT) return undefined;
    return { model: { router: Router.restore(parsed.router), speller: new Speller(parsed.words) }, kb: parsed.kb };
  } catch {
    return undefined; // built again and overwritten by the caller
  }
}

/** Stores the model (with the sections it was built from) and returns it. */
function storeModel(cache: ModelCache, key: string, kb: KnowledgeBase, model: Model): Model {
  cache.write(
    key,
    encodeModel({ format: MODEL_FORMAT, kb: storedKnowledge(kb), router: model.router.state(), words: model.speller.state() } satisfies StoredModel),
  );
  return model;
}

/** A hash of everything the model is built from, so a changed example or section builds a new one. */
function modelKey(kb: KnowledgeBase): string {
  const hash = createHash("sha256").update(MODEL_FORMAT);
  for (const s of kb.sections) hash.update(JSON.stringify([s.id, s.origin, s.title, s.keywords, s.answer, s.more, s.examples]));
  hash.update(JSON.stringify([kb.offTopic, kb.teamMayAnswer, kb.teamNegatives]));
  return hash.digest("hex").slice(0, 32);
}

/** Shorter pieces of section text are not documents (a lone "See below." says nothing). */
const MIN_PARAGRAPH_CHARS = 20;

/** A training document before its features: an example or a paragraph of section text, and its label. */
interface DocumentSource {
  label: string;
  text: string;
  /** Section text, not an example question. */
  isText: boolean;
  team: boolean;
}

/** Every example and every paragraph of section text, labelled (near misses as OFF_TOPIC), in the router's document order. */
function documentSources(kb: KnowledgeBase): DocumentSource[] {
  const sources: DocumentSource[] = [];
  for (const section of kb.sections) {
    const team = section.origin === "team";
    sources.push({ label: section.id, text: `${section.title}\n${section.keywords.join(", ")}`, isText: true, team });
    for (const paragraph of paragraphs(`${section.answer}\n\n${section.more}`)) {
      sources.push({ label: section.id, text: paragraph, isText: true, team });
      // A team heading learns from its text alone (few or no examples): each of a paragraph's sentences is
      // also a short document of its own, which a short question matches as well as it would an example.
      if (team) for (const sentence of sentences(paragraph)) sources.push({ label: section.id, text: sentence, isText: true, team });
    }
    for (const text of section.examples) sources.push({ label: section.id, text, isText: false, team });
  }
  for (const text of kb.offTopic) sources.push({ label: OFF_TOPIC, text, isText: false, team: false });
  // Without a team runbook they are near misses like any other.
  const teamLoaded = kb.sections.some((section) => section.origin === "team");
  for (const text of kb.teamMayAnswer) sources.push({ label: teamLoaded ? TEAM_MAY_ANSWER : OFF_TOPIC, text, isText: false, team: false });
  for (const text of kb.teamNegatives) sources.push({ label: OFF_TOPIC, text, isText: false, team: true });
  return sources;
}

/** The training documents, with their features; the speller learns their words. */
function trainingDocs(kb: KnowledgeBase, speller: Speller): LabelledFeatures[] {
  const memo = new WordMemo();
  return documentSources(kb).map(({ label, text, isText, team }) => {
    const cleaned = cleanChatText(text);
    const signals = extractSignals(cleaned);
    const features = extractFeatures(routingText(cleaned), signals.tokens, { memo });
    for (let t = 0; t < features.tokens.length; t++) speller.learn(features.tokens[t]!);
    return { label, features, ...(isText ? { text: true } : {}), ...(team ? { team: true } : {}) };
  });
}

/** A paragraph's sentences, when it has more than one (a sentence ends at . ! or ? before a capital, a quote or markup). */
function sentences(paragraph: string): string[] {
  const split = paragraph
    .split(/(?<=[.!?])\s+(?=[A-Z`"*])/)
    .map((s) => s.trim())
    .filter((s) => s.length >= MIN_PARAGRAPH_CHARS);
  return split.length > 1 ? split : [];
}

function paragraphs(text: string): string[] {
  return text
    .replace(/```[\s\S]*?```/g, " ")
    .split(/\n\s*\n|\n(?=\s*(?:[•*-]|\d+\.)\s)/)
    .map((p) => p.trim())
    .filter((p) => p.length >= MIN_PARAGRAPH_CHARS);
}

function sectionText(section: Section): string {
  return `${section.title} ${section.keywords.join(" ")} ${section.answer} ${section.more} ${section.examples.join(" ")}`;
}

/** Words that join a second ask to the first ("also, what's...", "btw is it...", "oh and how...", chat's "n how do i..."). */
const CONNECTORS = "and|so|then|but|or|plus|also|btw|n|oh|ps|separately|unrelated";
/** Where one sentence ends and the next begins: a sentence end, a line, "also"/"btw". */
const SENTENCE_BREAK = /(?<=[?!.])\s+(?=\S)|\n+|\s+(?:also|plus|and also|btw)[,:]?\s+/i;
/**
 * A comma before "how do", "what should", "which is"...: "…before the cutoff, and while I'm at it, how do I clear
 * the cache?" asks a second question after an aside. (What comes before the comma is a question of its own only
 * when it asks: "If I set NO_CACHE, what should I do after?" keeps its clause as context.) Over twelve example
 * orders, dev COST 7,115 -> 7,093.
 */
const COMMA_QUESTION = ",\\s+(?=(?:how|what|why|which|where)\\s+(?:do|does|did|can|could|should|would|is|are|to)\\b)";
/** Where one question ends and the next begins: a sentence break, "(2)", "and" before a question word, or COMMA_QUESTION. */
const QUESTION_BREAK = new RegExp(
  `${SENTENCE_BREAK.source}|\\s*\\(\\d\\)\\s*|,?\\s+(?:and|and then|then|n)\\s+(?=(?:${QUESTION_WORDS})\\b)|${COMMA_QUESTION}`,
  "i",
);
/**
 * A part that asks: it ends with a question mark or, in chat shorthand, with "how", "why", "ideas"
 * ("clear build cache how"), or opens with a question word or a request ("steps to…", "explain…"),
 * after a short lead-in with a colon if any ("two things: should we…", "quick q: how…").
 */
const QUESTION = new RegExp(
  `\\?\\s*$|\\b(?:how|why|where|what|ideas?)[.!]*\\s*$|^\\s*(?:[-*•]\\s*|\\d+[.)]\\s*)?(?:[\\w ]{1,24}:\\s+)?(?:(?:${CONNECTORS})[,:]?\\s+)*(?:${QUESTION_WORDS}|steps?|tell me|explain|show me|help me)\\b`,
  "i",
);

/** A part that ends with a colon introduces what follows (a log, a list). */
const LEAD_IN = /:\s*$/;

/** Words with a letter or digit in them: a bullet ("•", "-") is no word. */
const QUESTION_WORD_TOKEN = /[\p{L}\p{N}][\p{L}\p{N}'’_-]*/gu;

function isQuestion(part: string): boolean {
  // "• do I" (a bullet cut at "also") is not a question of three words.
  // "what the deploy log says:" or "when I set the config path:" leads in to a paste; it asks nothing.
  return (part.match(QUESTION_WORD_TOKEN)?.length ?? 0) >= 3 && QUESTION.test(part) && !LEAD_IN.test(part);
}

/**
 * A long message that asks one thing, with that question counted FOCUS_COPIES times: buried in a story
 * or under a pasted log it would weigh no more than any other sentence. (Messages that ask several
 * things are routed question by question, askedInOrder.)
 */
function focused(routed: string, questions: readonly string[]): string {
  if (routed.length <= FOCUS_CHARS || questions.length !== 1) return routed;
  return `${`${questions[0]}\n`.repeat(FOCUS_COPIES - 1)}${routed}`;
}

/** How many times a question of a message that asks several things counts beside its context (FULL_QUESTION_WORDS). */
function partCopies(question: string): number {
  return question.split(/\s+/).length >= FULL_QUESTION_WORDS ? FOCUS_COPIES : 2;
}

/** A compared text's questions, in order, and the rest of it (their context). */
interface QuestionParts {
  questions: string[];
  context: string;
}

/** Split once per message: focused() and askedInOrder() both read it. */
function questionParts(routed: string): QuestionParts {
  const parts = routed.split(QUESTION_BREAK).map((part) => (part ?? "").trim());
  return { questions: parts.filter(isQuestion), context: parts.filter((p) => p !== "" && !isQuestion(p)).join("\n") };
}

/** The sentences of a short message that asks more than one thing ("X broke. how do I fix it?"). */
function splitQuestions(cleaned: string): string[] {
  if (cleaned.length > MAX_SPLIT_CHARS) return [];
  const parts = cleaned
    .split(SENTENCE_BREAK)
    .map((q) => q.trim())
    .filter((q) => q.split(/\s+/).length >= 3);
  // Only a message with a question in it asks two things; two statements are one report.
  return parts.some((p) => p.endsWith("?")) ? parts : [];
}

function explanation(decision: Decision, signals: Signals, rule: AcceptRule, source: (doc: number) => DocumentSource | undefined): AnswerExplanation {
  return {
    candidates: decision.ranked.slice(0, MAX_CANDIDATES).map((c) => ({ id: c.label, score: round(c.score), probability: round(c.probability) })),
    offTopicScore: round(decision.offTopic),
    linearMargin: Math.round(decision.linearMargin * 100) / 100,
    linearWeight: LINEAR_MARGIN_SHARE,
    rankingWeight: LINEAR_SHARE,
    threshold: rule.threshold,
    teamThreshold: teamThreshold(rule),
    margin: rule.margin,
    closeMargin: rule.closeMargin,
    signalTokens: signals.tokens,
    nearest: decision.nearest.flatMap(({ doc, similarity }) => {
      const found = source(doc);
      if (!found) return [];
      const id = found.label === OFF_TOPIC ? "near miss" : found.label === TEAM_MAY_ANSWER ? "near miss (team_may_answer)" : found.label;
      const nearMiss = found.label === OFF_TOPIC || found.label === TEAM_MAY_ANSWER;
      return [{ id, text: found.text, similarity: round(similarity), example: !found.isText, nearMiss }];
    }),
    ...(decision.nearMissCloser ? { nearMissCloser: true } : {}),
    ...(signals.notCache ? { notCache: signals.notCache.label } : {}),
  };
}

/** What a question shown from a section, not routed to it, was decided on: nothing. */
const EMPTY_DECISION: Decision = { ranked: [], offTopic: 0, linearMargin: 0, accepted: true, close: false, nearest: [] };

/** Names the section a refused question fits best, without answering from it. */
function offeredLead(section: Section): string {
  return `I'm not sure I know that one, so I won't guess. The closest topic I know is *${section.title}*.`;
}

/** 0.5 at the threshold, approaching 1 for a message that repeats an example word for word. */
function confidence(score: number, threshold: number): number {
  return round(0.5 + (0.5 * (score - threshold)) / Math.max(0.01, 1 - threshold));
}

function sectionActions(shown: Section[], options: AnswerOptions): Action[] {
  const actions: Action[] = [];
  const seen = new Set<string>();
  for (const section of shown) {
    for (const action of section.actions) {
      if (action.kind === "see_more") {
        if (section.more) actions.push({ kind: "see_more", label: shown.length > 1 ? `More: ${shortTitle(section.title)}` : action.label, value: section.id });
      } else if ((action.kind === "clear" || action.kind === "redeploy") && !seen.has(action.kind)) {
        seen.add(action.kind);
        const label = options.service ? action.label.replace("<service>", options.service) : action.label.replace(/\s*(?:for\s+)?<service>/, "");
        actions.push({
          kind: action.kind,
          label,
          ...(options.service ? { value: options.service } : {}),
          ...(action.style ? { style: action.style } : {}),
        });
      }
    }
  }
  return actions;
}

function shortTitle(title: string): string {
  return title.length > 60 ? `${title.slice(0, 59)}…` : title;
}

/** Under an answer: the log also shows an error a stale cache does not cause. */
function notCacheCaveat(other: NotCacheError): string {
  const line = other.line.replace(/`/g, "'");
  return `Note: the log also shows ${other.label} (\`${line}\`), which a stale build cache does not cause: fix that too.`;
}

/** Names the error the log shows, so a code or settings problem is not mistaken for the cache. */
function notCacheLead(other: NotCacheError): string {
  const line = other.line.replace(/`/g, "'");
  // With advice the cache stays the fallback (the advice's last line), so do not rule it out here.
  if (other.advice) return `That looks like ${other.label} (\`${line}\`) rather than a stale build cache.`;
  return `That looks like ${other.label} (\`${line}\`), not a stale build cache: clearing the cache will not fix it.`;
}

function buildTopicsText(sections: Section[]): string {
  const topics = sections.filter((s) => s.origin === "builtin").map((s) => `• ${s.title}`);
  const team = sections.filter((s) => s.origin === "team").length;
  const lines = [
    "I help with stale build caches for Django apps on Railway:",
    ...topics,
    ...(team > 0 ? [`• ${team} section${team === 1 ? "" : "s"} from your team's runbooks`] : []),
    'Paste the error or traceback, or ask e.g. "how do I clear the build cache?". `/railcache help` lists the commands.',
  ];
  return lines.join("\n");
}

function round(value: number): number {
  return Math.round(Math.max(0, Math.min(1, value)) * 100) / 100;
}
