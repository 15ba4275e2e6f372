/**
 * How well a team's runbooks teach the engine their topics. A heading with text alone is learned
 * from its own words, and a team's questions rarely use them: on fourteen teams' runbooks written
 * without seeing the engine (test/fixtures/team-runbooks; bench/RESULTS.md has the figures now),
 * headings with no examples answered about two in three of their questions, headings with 2-4
 * examples nearly three in four, and the example runbook's (20-40 a heading) 19 of 20.
 */
import type { KnowledgeBase, Section } from "./types.js";

/** Fewer example questions than this and a team's heading is answered far less often than it could be. */
export const FEW_TEAM_EXAMPLES = 5;

/** The team runbook sections with fewer than FEW_TEAM_EXAMPLES examples, in the knowledge base's order. */
export function thinTeamSections(kb: KnowledgeBase): Section[] {
  return kb.sections.filter((section) => section.origin === "team" && section.examples.length < FEW_TEAM_EXAMPLES);
}
