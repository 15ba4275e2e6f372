/**
 * The answer engine: cleans chat text, recognises error signatures, ranks knowledge-base
 * sections with full-text search plus synonyms, and answers with the one section that fits
 * (or says what it can help with). Built once per knowledge base; answering is synchronous.
 */
import MiniSearch from "minisearch";
import type { Action } from "../reply.js";
import { cleanChatText } from "../text/chat-format.js";
import { escapeMentions } from "../text/mentions.js";
import { SIGNATURE_WEIGHT, classifyLog } from "./classifier.js";
import { findNotCacheError } from "./not-cache.js";
import type { NotCacheError } from "./not-cache.js";
import { assessScope } from "./scope.js";
import { expandSynonyms } from "./synonyms.js";
import { processTerm, queryTerms, tokenize } from "./terms.js";
import { correctTypos } from "./typos.js";
import type { AnswerEngine, AnswerOptions, AnswerResult, KnowledgeBase, Section, SignatureMatch } from "./types.js";

/** Longest answer text the engine returns. */
export const MAX_ANSWER_CHARS = 1_100;
/** Confidence needed to answer when the message is clearly about Railway deploys. */
const THRESHOLD_IN_SCOPE = 0.55;
/** Confidence needed when only a Django or cache word hints at the topic. */
const THRESHOLD_MAYBE = 0.7;
const MAX_QUERY_TERMS = 16;
const MAX_SEARCH_TERMS = 24;
const MAX_SEARCH_CONFIDENCE = 0.9;
/** A term found in at least this share of sections does not count towards understanding. */
const COMMON_TERM_SHARE = 0.6;
/** Understanding assumed when a question has only common words ("railway deploy cache"). */
const GENERIC_COVERAGE = 0.55;
/** Extra share of search score for a section that the question's shape asks for. */
const INTENT_BOOST = 0.75;
/** Weight of a search-only section when an error signature points elsewhere. */
const PROSE_BESIDE_SIGNATURE = 0.85;
const FIELD_EVIDENCE: Record<string, number> = { title: 1, keywords: 1, answer: 0.7, more: 0.4 };
const INEXACT_EVIDENCE = 0.7;
/** Understood words (or synonym hits) that make a question fully understood on their own. */
const UNDERSTOOD_ENOUGH = 2.5;
const MAX_PROSE_CHARS = 600;
const SHORT_INPUT_CHARS = 400;

// Traceback frames, code lines and log noise: kept out of the search query.
const NOT_PROSE = /^(?:\s*File "|\s*Traceback \(|\s{2,}\S|\s*[~^]{2,}|\s*LINE \d+:|\s*During handling|\s*The above exception|\s*\w+(?:\.\w+)*(?:Error|Exception|Warning):|\s*\[?\d{4}-\d\d-\d\d[ T]\d)/;

export function createAnswerEngine(kb: KnowledgeBase): AnswerEngine {
  const sections = kb.sections;
  const byId = new Map(sections.map((section) => [section.id, section]));
  const index = new MiniSearch<{ id: string; title: string; keywords: string; answer: string; more: string }>({
    fields: ["title", "keywords", "answer", "more"],
    tokenize,
    processTerm,
    searchOptions: {
      boost: { title: 2, keywords: 3, answer: 1, more: 0.4 },
      combineWith: "OR",
      weights: { fuzzy: 0.45, prefix: 0.6 },
    },
  });
  index.addAll(sections.map((s) => ({ id: s.id, title: s.title, keywords: s.keywords.join(" "), answer: s.answer, more: s.more })));

  // Section frequency of each term: words in most sections ("railway", "deploy") say little
  // about whether the knowledge base understood a question.
  const sectionFrequency = new Map<string, number>();
  for (const s of sections) {
    for (const t of queryTerms(`${s.title} ${s.keywords.join(" ")} ${s.answer} ${s.more}`, 100_000)) {
      sectionFrequency.set(t, (sectionFrequency.get(t) ?? 0) + 1);
    }
  }
  const commonAt = Math.max(2, sections.length * COMMON_TERM_SHARE);
  const informative = (term: string): boolean => (sectionFrequency.get(term) ?? 0) < commonAt;
  // Typo tolerance only for words the knowledge base does not contain: cheaper and stricter.
  const vocabulary = new Set(sectionFrequency.keys());
  const fuzzy = (term: string): number | false => (term.length >= 5 && !vocabulary.has(term) ? 0.25 : false);
  const prefix = (term: string): boolean => term.length >= 4 && !vocabulary.has(term);

  const unmatchedText = buildUnmatchedText(sections);

  // Words that name a team runbook's topic and nothing in the built-in runbook ("celery",
  // "beat"): a message using one is in scope even without cache or migration words.
  const builtinVocabulary = new Set<string>();
  for (const s of sections) {
    if (s.origin !== "builtin") continue;
    for (const t of queryTerms(`${s.title} ${s.keywords.join(" ")} ${s.answer} ${s.more}`, 100_000)) builtinVocabulary.add(t);
  }
  const teamTopicTerms = new Set<string>();
  for (const s of sections) {
    if (s.origin !== "team") continue;
    for (const t of queryTerms(`${s.title} ${s.keywords.join(" ")}`, 100)) if (!builtinVocabulary.has(t)) teamTopicTerms.add(t);
  }

  function answer(text: string, options: AnswerOptions = {}): AnswerResult {
    const cleaned = cleanChatText(text);
    const lower = cleaned.toLowerCase();
    const signatures = classifyLog(cleaned);
    const prose = correctTypos(extractProse(cleaned).toLowerCase());
    const expansion = expandSynonyms(prose);
    const userTerms = queryTerms(prose, MAX_QUERY_TERMS);
    const teamTopic = teamTopicTerms.size > 0 && userTerms.some((t) => teamTopicTerms.has(t));
    const scope = assessScope(`${lower}\n${prose}`, { signature: signatures.length > 0, strongSynonym: expansion.strong, teamTopic });

    // A bare 500 says nothing about the cause; a code, settings or connection error does.
    if (!signatures.some((s) => s.signature !== "prod_only_500")) {
      const other = findNotCacheError(cleaned);
      if (other) return unmatched(signatures, other);
    }
    if (scope.veto || scope.level === 0) return unmatched(signatures);

    const scores = new Map<string, { search: number; signature: number; terms: string[] }>();
    const entry = (id: string) => {
      let e = scores.get(id);
      if (!e) scores.set(id, (e = { search: 0, signature: 0, terms: [] }));
      return e;
    };

    for (const match of signatures) {
      const e = entry(match.sectionId);
      e.signature = Math.max(e.signature, SIGNATURE_WEIGHT[match.signature]);
    }

    if (userTerms.length > 0 || expansion.terms.length > 0) {
      // Unique processed terms only: each query term costs a pass over the index.
      // Terms that can match nothing (unknown and too short for prefix or fuzzy) are skipped.
      const query = [...new Set([...userTerms, ...queryTerms(expansion.terms.join(" "), MAX_QUERY_TERMS)])]
        .filter((term) => vocabulary.has(term) || term.length >= 4)
        .slice(0, MAX_SEARCH_TERMS)
        .join(" ");
      // The terms are processed already; a second pass of the stemmer would change some.
      const hits = index.search(query, { fuzzy, prefix, tokenize: splitSpaces, processTerm: keepTerm });
      // Acceptance: how much of what the user wrote the knowledge base understood at all
      // (terms that set off a synonym count as understood). Choice: the BM25 ranking.
      const specific = new Set(userTerms.filter(informative));
      // Evidence per specific term: where it matched (a keyword says more than a line of
      // "see more" text) and how (a fuzzy or prefix match says less than the exact word).
      const evidence = new Map<string, number>();
      const note = (term: string, value: number) => {
        if (value > (evidence.get(term) ?? 0)) evidence.set(term, value);
      };
      for (const hit of hits) {
        const queried = new Set(hit.queryTerms);
        let inexactWeight = 0;
        for (const [docTerm, fields] of Object.entries(hit.match)) {
          const weight = Math.max(...fields.map((f) => FIELD_EVIDENCE[f] ?? 0.5));
          if (queried.has(docTerm)) {
            if (specific.has(docTerm)) note(docTerm, weight);
          } else {
            inexactWeight = Math.max(inexactWeight, weight);
          }
        }
        // MiniSearch does not say which doc term a fuzzy or prefix query term hit; credit the best.
        for (const term of hit.queryTerms) {
          if (specific.has(term) && !vocabulary.has(term)) note(term, inexactWeight * INEXACT_EVIDENCE);
        }
      }
      let understood = 0;
      for (const value of evidence.values()) understood += value;
      const coverage =
        specific.size === 0
          ? expansion.fired > 0 ? 1 : GENERIC_COVERAGE
          : // Half absolute (a few understood words suffice), half relative (long chatter dilutes).
            0.5 * Math.min(1, (understood + expansion.fired) / UNDERSTOOD_ENOUGH) +
            0.5 * Math.min(1, (understood + expansion.fired) / specific.size);
      const intents = new Set(expansion.intents);
      const boosted = (hit: { id: unknown; score: number }) => hit.score * (intents.has(String(hit.id)) ? 1 + INTENT_BOOST : 1);
      const topScore = Math.max(...hits.map(boosted), Number.MIN_VALUE);
      for (const hit of hits) {
        // Relative to the best hit: BM25 scores have no fixed scale.
        const strength = boosted(hit) / topScore;
        const e = entry(String(hit.id));
        // Search alone never reaches a recognised error signature's certainty.
        e.search = MAX_SEARCH_CONFIDENCE * coverage * (0.35 + 0.65 * strength);
        e.terms = hit.queryTerms;
      }
    }

    let best: { id: string; confidence: number; terms: string[] } | undefined;
    for (const [id, e] of scores) {
      const high = Math.max(e.search, e.signature);
      const low = Math.min(e.search, e.signature);
      // A recognised error outranks the words around a pasted log ("deploy logs on railway:").
      const searchOnly = e.signature === 0 && signatures.length > 0;
      let confidence = searchOnly ? e.search * PROSE_BESIDE_SIGNATURE : Math.min(1, high + 0.15 * low);
      if (scope.otherToolPenalty) confidence -= 0.25;
      if (!best || confidence > best.confidence) best = { id, confidence, terms: e.terms };
    }
    const threshold = scope.level === 2 ? THRESHOLD_IN_SCOPE : THRESHOLD_MAYBE;
    const section = best ? byId.get(best.id) : undefined;
    if (!best || !section || best.confidence < threshold) return unmatched(signatures);

    return {
      matched: true,
      confidence: round(best.confidence),
      section: { id: section.id, title: escapeMentions(section.title) },
      answer: composeAnswer(section, signatures),
      actions: sectionActions(section, options),
      signals: { signatures: signatures.map(escapeSignature), terms: best.terms },
    };
  }

  function unmatched(signatures: SignatureMatch[], other?: NotCacheError): AnswerResult {
    return {
      matched: false,
      confidence: 0,
      section: null,
      // Specific advice replaces the list of topics: it says what to fix.
      answer: other ? `${notCacheLead(other)}\n\n${other.advice ? escapeMentions(other.advice) : unmatchedText}` : unmatchedText,
      actions: [],
      signals: { signatures: signatures.map(escapeSignature), terms: [] },
    };
  }

  return {
    answer,
    section: (id) => byId.get(id),
    sections: () => [...sections],
  };
}

const splitSpaces = (text: string): string[] => text.split(" ");
const keepTerm = (term: string): string => term;

/** Non-traceback lines of the message (all of it when short), capped for the search query. */
function extractProse(cleaned: string): string {
  if (cleaned.length <= SHORT_INPUT_CHARS) return cleaned;
  let out = "";
  for (const line of cleaned.split("\n")) {
    if (line.trim() === "" || NOT_PROSE.test(line)) continue;
    out += `${line}\n`;
    if (out.length >= MAX_PROSE_CHARS) break;
  }
  return out.slice(0, MAX_PROSE_CHARS);
}

/** The section's answer, led by one line naming the recognised error when there is room. */
function composeAnswer(section: Section, signatures: SignatureMatch[]): string {
  const body = escapeMentions(section.answer);
  const top = signatures.find((s) => s.sectionId === section.id);
  const line = top?.lines[0];
  if (top && line) {
    const shown = line.length > 140 ? `${line.slice(0, 140)}…` : line;
    const lead = `Recognised: ${top.label} (\`${escapeMentions(shown.replace(/`/g, "'"))}\`).\n\n`;
    if (lead.length + body.length <= MAX_ANSWER_CHARS) return lead + body;
  }
  return body.length <= MAX_ANSWER_CHARS ? body : `${body.slice(0, MAX_ANSWER_CHARS - 1)}…`;
}

function sectionActions(section: Section, options: AnswerOptions): Action[] {
  const actions: Action[] = [];
  for (const action of section.actions) {
    if (action.kind === "see_more") {
      if (section.more) actions.push({ kind: "see_more", label: escapeMentions(action.label), value: section.id });
    } else if (action.kind === "clear" || action.kind === "redeploy") {
      const label = options.service
        ? action.label.replace("<service>", options.service)
        : action.label.replace(/\s*(?:for\s+)?<service>/, "");
      actions.push({
        kind: action.kind,
        label: escapeMentions(label),
        ...(options.service ? { value: options.service } : {}),
        ...(action.style ? { style: action.style } : {}),
      });
    }
  }
  return actions;
}

function escapeSignature(match: SignatureMatch): SignatureMatch {
  return { ...match, lines: match.lines.map(escapeMentions) };
}

/** Names the error the log shows, so a code or settings problem is not mistaken for the cache. */
function notCacheLead(other: NotCacheError): string {
  const line = escapeMentions(other.line.replace(/`/g, "'"));
  // With advice the cache stays the fallback (the advice's last line), so do not rule it out here.
  if (other.advice) return `That looks like ${other.label} (\`${line}\`) rather than a stale build cache.`;
  return `That looks like ${other.label} (\`${line}\`), not a stale build cache: clearing the cache will not fix it.`;
}

function buildUnmatchedText(sections: Section[]): string {
  const topics = sections.filter((s) => s.origin === "builtin").map((s) => `• ${s.title}`);
  const team = sections.filter((s) => s.origin === "team").length;
  const lines = [
    "I couldn't match that to the railcache runbook. I help with stale build caches for Django apps on Railway:",
    ...topics,
    ...(team > 0 ? [`• ${team} section${team === 1 ? "" : "s"} from your team's runbooks`] : []),
    "Paste the error or traceback, or ask e.g. \"how do I clear the build cache?\". `/railcache help` lists the commands.",
  ];
  return escapeMentions(lines.join("\n"));
}

function round(value: number): number {
  return Math.round(Math.max(0, Math.min(1, value)) * 100) / 100;
}
