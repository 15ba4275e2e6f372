/** Public surface of the knowledge base and answer engine. */
export { BUILTIN_KB_DIR, loadKnowledgeBase } from "./loader.js";
export type { LoadOptions } from "./loader.js";
export { MAX_ANSWER_CHARS, createAnswerEngine, hasStoredModel, openAnswerEngine } from "./engine.js";
export type { EngineOptions } from "./engine.js";
export { classifyLog } from "./classifier.js";
export { FEW_TEAM_EXAMPLES, thinTeamSections } from "./team-coverage.js";
export type {
  AnswerEngine,
  AnswerOptions,
  AnswerResult,
  AnswerSignals,
  KbAction,
  KbProblem,
  KnowledgeBase,
  ModelCache,
  Section,
  SignatureId,
  SignatureMatch,
} from "./types.js";
