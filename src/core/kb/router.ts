/**
 * The router: nearest-example retrieval over TF-IDF vectors of words (and, apart, of the signals
 * found in pasted logs), blended with each label's centroid, beside a linear model over the same
 * words, the signals and the words' character n-grams (which carry it over typos, other endings
 * and words no example uses: it ranks and refuses better than the nearest examples on questions
 * nobody wrote an example for, so its probability weighs as much as the similarity).
 * Every example (and every paragraph of a section's own text) is a document labelled with its
 * section, or with OFF_TOPIC for the near misses that must never be answered. A message scores
 * each label by its most similar documents; the accept rule (a threshold on the best section
 * and a margin over the off-topic score) is fitted on the examples, each judged out of fold, when
 * the model is built, so a team runbook gets a rule fitted with its own examples in it.
 */
import type { TextFeatures } from "./features.js";
import { LinearModel, joinRows } from "./linear.js";
import type { LinearState, TrainingMatrix } from "./linear.js";
import { Space, rowVector, withoutRarePairs } from "./space.js";
import type { DocVector, QueryVector, SpaceState, SparseRows } from "./space.js";
import { Vocabulary } from "./vocabulary.js";
import type { VocabularyState } from "./vocabulary.js";

export const OFF_TOPIC = "§off-topic";
/**
 * Near misses the built-in runbook cannot answer but a team's runbook may (its own workers,
 * schedules, memory): they count against built-in sections as OFF_TOPIC does, never against a
 * team section, so a team's runbook on such a topic is not refused for the built-in list's sake.
 */
export const TEAM_MAY_ANSWER = "§team-may-answer";

export interface LabelledFeatures {
  label: string;
  features: TextFeatures;
  /** Section text (not an example question): always trained on, never judged to fit the accept rule. */
  text?: boolean;
  /** From a team's runbook: one of its sections (TEAM_MAY_ANSWER near misses do not count against it), or one of its `negatives:`. */
  team?: boolean;
}

export interface LabelScore {
  label: string;
  /** Similarity to the label's nearest examples and centroid (what the accept rule's threshold judges). */
  score: number;
  /** The linear model's probability for the label. */
  probability: number;
}

export interface Decision {
  /** Labels other than OFF_TOPIC, best first. */
  ranked: LabelScore[];
  offTopic: number;
  /** The linear model's best section probability minus its near-miss probability. */
  linearMargin: number;
  accepted: boolean;
  /**
   * Refused, but only just: the best ranked section fits (threshold) and the margin falls short by no more
   * than it does for most refused examples whose best section was the right one. The reply can
   * offer that section instead of answering with it.
   */
  close: boolean;
  /**
   * The best section cleared the rule, but the nearest near misses are at least as similar to the message
   * (a team section) or more similar by BUILTIN_NEAR_MISS_GAP (a built-in one): refused (see decision());
   * `close` offers the section when it fits on its own.
   */
  nearMissCloser?: boolean;
  /** The documents most similar to the message, most similar first (index into the training documents). */
  nearest: { doc: number; similarity: number }[];
}

export interface AcceptRule {
  threshold: number;
  margin: number;
  /** The lower margin a refused message still reaches to be offered its best section (see Decision.close). */
  closeMargin: number;
}

/** A label's score: its best document, plus a little of its second best (one odd example is not enough). */
const BEST_SHARE = 0.75;
/** Share of the similarity that comes from the signals, when the message has any. */
const SIGNAL_SHARE = 0.25;
/**
 * The signals' weight in the linear model's input, as a multiple of their share of the similarity: at 1
 * an error a stale cache does not cause (`§err:missing_package`) weighed too little beside the prose
 * ("prod only", "stale build?"). Cost over the tunable sets and cross-validation, twelve example
 * orders: 7,484 -> 7,422 at 2; over four orders, 4 made the same mistakes as 2 and 8 no fewer.
 */
const SIGNAL_LINEAR_WEIGHT = 2;
/** Weight of the character n-grams beside the (unit-length) word vector in the linear model's input. */
const CHAR_WEIGHT = 1;
/** Character n-grams in fewer documents than this are not features. */
const CHAR_MIN_DOCS = 2;
/** Share of a label's score from its nearest examples; the rest from its centroid (all its examples). */
const NEAREST_SHARE = 0.5;
/**
 * Weight of the linear model's probability added to a section's score when ranking sections, and
 * of its section-over-near-miss margin in the accept rule: on cross-validation by paraphrase
 * family, 1 and 1 rank and accept better than 0.4 and 0.3 (on-topic right 77 -> 80%, near misses
 * refused 84 -> 85%).
 */
export const LINEAR_SHARE = 1;
export const LINEAR_MARGIN_SHARE = 1;
/** The margin is fitted between -MARGIN_STEPS and +MARGIN_STEPS hundredths. */
const MARGIN_STEPS = 30;
/**
 * The accept rule is fitted on every example, each judged by a linear model trained without its
 * fold: over six example orders, 3 folds answer and refuse as 4 or 6 do, at the fewest trainings.
 */
const RULE_FOLDS = 3;
/**
 * The model that answers is this many trained in rotated row orders, averaged. With one, adding or
 * removing a single example moved ~20 of 1,502 held-out answers and the examples' order 35-60 of
 * 2,224; with three, 15-25 move with the order and the held-out on-topic mean over three orders rose
 * 1,421.7 -> 1,428.3. The fold models that fit the accept rule stay single: averaging them too cost
 * twice the build time and decided the same rule. Five members were no steadier than three until 132 short
 * follow-up examples (training batch L) joined: with them, three let 36-51 of 2,924 held-out answers move with
 * the examples' order (six orders), five 22-34.
 */
const FINAL_MEMBERS = 5;
/**
 * A built-in section this much less similar to the message than the nearest near misses is refused
 * though the linear model clears the rule: the model is sure of a section from the prose ("prod only,
 * works locally, stale build?") while the error pasted with it reads like the near misses (a package
 * missing from requirements.txt, a KeyError on an unset variable). Cost over the tunable sets and
 * cross-validation, twelve example orders (with SIGNAL_LINEAR_WEIGHT 2): 7,422 -> 7,442 at 0.1, 7,337
 * at 0.15, 7,374 at 0.2. A team section is refused at any gap (see decision()).
 */
const BUILTIN_NEAR_MISS_GAP = 0.15;
/**
 * A team section leading needs this share of the threshold. The threshold is fitted on every example, nearly all of
 * them built-in sections' (hundreds each); a team heading learned from its text and a few examples is less similar
 * to a question that fits it, and the margin over the near misses and the near-miss check still guard it. Fourteen
 * teams' runbooks: team questions 296 -> 299 of 420, near misses refused 124 of 140 either way (0.85: 297; 0.6 and
 * below: 299); the example runbook 17 -> 18 of 20 in the content's order. The built-in sections are untouched.
 */
const TEAM_THRESHOLD_SHARE = 0.7;

/** The score a team section needs to be accepted under `rule` (see TEAM_THRESHOLD_SHARE). */
export function teamThreshold(rule: AcceptRule): number {
  return TEAM_THRESHOLD_SHARE * rule.threshold;
}
/** Fewer examples than this fit no rule (DEFAULT_RULE). */
const MIN_RULE_EXAMPLES = 40;
/** Off-topic mistakes count this much more than unanswered on-topic ones when fitting. */
export const OFF_TOPIC_COST = 3;
/**
 * The fitted rule is the average of every rule on the grid, each weighed by
 * exp(-(its mistakes - the fewest) / (RULE_TEMPERATURE x examples)). The mistakes are flat near
 * their minimum (rules 0.27 of margin apart within 15 mistakes of 2,900), and the middle of the
 * nearly tied rules jumped with the examples' order: margin sd 0.058 over twelve orders, against
 * 0.019 for the average, at the same score on the tunable sets.
 */
const RULE_TEMPERATURE = 0.02;
/** Documents a decision names as the message's nearest (for --explain). */
const NEAREST_SHOWN = 3;
/**
 * Share of the refused examples whose best section was the right one that the close margin
 * reaches: most of them are offered their section, while the near misses, refused far below the
 * margin, are not.
 */
const CLOSE_SHARE = 0.9;
/** Used when a knowledge base has too few examples to fit a rule (nothing refused is offered a section). */
export const DEFAULT_RULE: AcceptRule = { threshold: 0.3, margin: 0.02, closeMargin: 0.02 };

/** Everything a trained router needs to answer, as JSON-friendly data. */
export interface RouterState {
  labels: string[];
  /** The labels of team runbook sections. */
  teamLabels: string[];
  docLabels: number[];
  rule: AcceptRule;
  words: SpaceState;
  signals: SpaceState;
  chars: VocabularyState;
  linear: LinearState;
}

export class Router {
  private constructor(
    /** Distinct labels, and each document's index into them. */
    private readonly labels: string[],
    private readonly teamLabels: ReadonlySet<string>,
    private readonly docLabels: number[],
    private readonly words: Space,
    private readonly signals: Space,
    private readonly chars: Vocabulary,
    private linear: LinearModel,
    public rule: AcceptRule,
  ) {
    this.sims = new Float64Array(docLabels.length);
  }

  /** Each document's similarity to the query in nearest(): all zero between calls (a build makes hundreds of them). */
  private readonly sims: Float64Array;

  /**
   * Builds the spaces from every document (the linear model is trained apart, see trainLinear),
   * and every document's input to the linear model, in one matrix (rows in document order): words,
   * then signals, then character n-grams, one id range after another (as joinVectors).
   */
  private static build(docs: LabelledFeatures[]): { router: Router; matrix: TrainingMatrix; rows: { words: SparseRows; signals: SparseRows } } {
    const labels = [...new Set(docs.map((d) => d.label))];
    const labelIndex = new Map(labels.map((label, index) => [label, index]));
    const docLabels = docs.map((d) => labelIndex.get(d.label)!);
    const words = Space.build(withoutRarePairs(docs.map((d) => d.features.words)), docLabels, labels.length);
    const signals = Space.build(
      docs.map((d) => d.features.signals),
      docLabels,
      labels.length,
    );
    const chars = Vocabulary.build(
      docs.map((d) => d.features.tokens),
      CHAR_MIN_DOCS,
    );
    const scales = docs.map((doc) => linearScales(signalShareOf(doc.features)));
    const matrix = joinRows(
      [
        { rows: words.rows, base: 0, scale: Float64Array.from(scales, (scale) => scale.words) },
        { rows: signals.rows, base: words.space.size, scale: Float64Array.from(scales, (scale) => scale.signals) },
        { rows: chars.rows, base: words.space.size + signals.space.size, scale: Float64Array.from(scales, (scale) => scale.chars) },
      ],
      Int32Array.from(docLabels),
    );
    const teamLabels = new Set(docs.filter((d) => d.team && !isNearMiss(d.label)).map((d) => d.label));
    const router = new Router(labels, teamLabels, docLabels, words.space, signals.space, chars.vocabulary, LinearModel.empty(labels.length, 0), DEFAULT_RULE);
    return { router, matrix, rows: { words: words.rows, signals: signals.rows } };
  }

  /** Trains the linear model on the matrix's rows not in `heldOut` (the final one, on every row, as FINAL_MEMBERS averaged). */
  private trainLinear(matrix: TrainingMatrix, heldOut: ReadonlySet<number>): void {
    const use: number[] = [];
    for (let row = 0; row < matrix.labels.length; row++) if (!heldOut.has(row)) use.push(row);
    // A team heading is raised to the prior of the smallest built-in section, however many headings the team has.
    const builtinSection = (label: number) => !isNearMiss(this.labels[label]!) && !this.teamLabels.has(this.labels[label]!);
    const members = heldOut.size === 0 ? FINAL_MEMBERS : 1;
    this.linear = LinearModel.fit(matrix, use, this.labels.length, this.linearFeatureCount, builtinSection, members);
  }

  /** A router from its stored state; throws on a state that does not hold together. */
  static restore(state: RouterState): Router {
    if (state.docLabels.some((label) => label < 0 || label >= state.labels.length)) throw new Error("stored router is inconsistent");
    return new Router(
      state.labels,
      new Set(state.teamLabels),
      state.docLabels,
      Space.restore(state.words),
      Space.restore(state.signals),
      Vocabulary.restore(state.chars),
      LinearModel.restore(state.linear),
      state.rule,
    );
  }

  state(): RouterState {
    return {
      labels: this.labels,
      teamLabels: [...this.teamLabels],
      docLabels: this.docLabels,
      rule: this.rule,
      words: this.words.state(),
      signals: this.signals.state(),
      chars: this.chars.state(),
      linear: this.linear.state(),
    };
  }

  /** Builds the router and fits its accept rule on every example, judged out of fold. */
  static train(docs: LabelledFeatures[]): Router {
    // Each example goes to one of RULE_FOLDS folds, round-robin per label, so every label is in every fold.
    const folds: number[][] = Array.from({ length: RULE_FOLDS }, () => []);
    const seen = new Map<string, number>();
    docs.forEach((doc, index) => {
      if (doc.text) return;
      const n = seen.get(doc.label) ?? 0;
      seen.set(doc.label, n + 1);
      folds[n % RULE_FOLDS]!.push(index);
    });
    const { router, matrix, rows } = Router.build(docs);
    const examples = folds.reduce((n, fold) => n + fold.length, 0);
    if (examples < MIN_RULE_EXAMPLES) {
      router.trainLinear(matrix, new Set());
      return router;
    }
    // Every example is judged by a linear model trained without its fold (and without itself among
    // the nearest documents), and the rule is fitted on all of them: a validation split of a few
    // hundred moved the rule with the examples' order.
    const decisions: { index: number; decision: Decision }[] = [];
    for (const fold of folds) {
      router.trainLinear(matrix, new Set(fold));
      for (const index of fold) decisions.push({ index, decision: router.decideDocument(docs[index]!, index, matrix, rows) });
    }
    router.rule = fitRule(docs, decisions);
    router.stepAsideForTeam(docs, decisions, matrix);
    router.trainLinear(matrix, new Set());
    return router;
  }

  /**
   * A built-in near miss that the model, trained without it, files under a team section is about
   * what that team's runbook covers (its database, its alerts, its domains): like the hand-picked
   * team_may_answer list it then counts against built-in sections only. The built-in list names
   * errors a stale cache does not cause ("too many clients", "password authentication failed"),
   * which a team's runbook on them must still answer; a team's own negatives always count.
   */
  private stepAsideForTeam(docs: LabelledFeatures[], decisions: { index: number; decision: Decision }[], matrix: TrainingMatrix): void {
    const teamMayAnswer = this.labels.indexOf(TEAM_MAY_ANSWER);
    if (teamMayAnswer < 0 || this.teamLabels.size === 0) return;
    for (const { index, decision } of decisions) {
      const top = decision.ranked[0];
      if (docs[index]!.label !== OFF_TOPIC || docs[index]!.team || !top || !this.teamLabels.has(top.label)) continue;
      this.docLabels[index] = teamMayAnswer;
      matrix.labels[index] = teamMayAnswer;
    }
  }

  /** The score a section needs to be accepted: a team section's is teamThreshold, a built-in one's the rule's own. */
  thresholdFor(label: string | undefined): number {
    return label !== undefined && this.teamLabels.has(label) ? teamThreshold(this.rule) : this.rule.threshold;
  }

  /** The label the router learned document `doc` under (a near miss may have stepped aside for a team section). */
  labelOf(doc: number): string | undefined {
    const label = this.docLabels[doc];
    return label === undefined ? undefined : this.labels[label];
  }

  private get linearFeatureCount(): number {
    return this.words.size + this.signals.size + this.chars.size;
  }

  private joinVectors(words: QueryVector, signals: QueryVector, chars: QueryVector, signalShare: number): QueryVector {
    const signalBase = this.words.size;
    const charBase = signalBase + this.signals.size;
    const ids: number[] = [];
    const weights: number[] = [];
    const append = (part: QueryVector, base: number, scale: number) => {
      for (let i = 0; i < part.ids.length; i++) {
        ids.push(part.ids[i]! + base);
        weights.push(part.weights[i]! * scale);
      }
    };
    const scale = linearScales(signalShare);
    append(words, 0, scale.words);
    append(signals, signalBase, scale.signals);
    append(chars, charBase, scale.chars);
    return { ids, weights };
  }

  decide(query: TextFeatures, leaveOut = -1): Decision {
    // A recognised error in the message takes a share of the similarity; without one, the
    // words have all of it.
    const signalShare = signalShareOf(query);
    const words = this.words.vector(query.words);
    const signals = this.signals.vector(query.signals);
    const probability = this.linear.probabilities(this.joinVectors(words, signals, this.chars.vector(query.tokens), signalShare));
    return this.decision(words, signals, signalShare, probability, leaveOut);
  }

  /**
   * decide() for training document `index`, left out of the nearest documents: its vectors are
   * the ones the build made for it and its input to the linear model is already row `index` of the
   * matrix (the very values vector() and joinVectors would make).
   */
  private decideDocument(doc: LabelledFeatures, index: number, matrix: TrainingMatrix, rows: { words: SparseRows; signals: SparseRows }): Decision {
    const signalShare = signalShareOf(doc.features);
    return this.decision(rowVector(rows.words, index), rowVector(rows.signals, index), signalShare, this.linear.rowProbabilities(matrix, index), index);
  }

  private decision(words: DocVector, signals: DocVector, signalShare: number, probability: Float64Array, leaveOut: number): Decision {
    const { first, second, central, closest } = this.nearest(words, signals, signalShare, leaveOut);
    const ranked: LabelScore[] = [];
    let offTopic = 0;
    let teamMayAnswer = 0;
    let best = 0;
    let sectionProbability = 0;
    let offTopicProbability = 0;
    let teamMayAnswerProbability = 0;
    for (let index = 0; index < this.labels.length; index++) {
      const label = this.labels[index]!;
      const nearest = BEST_SHARE * first[index]! + (1 - BEST_SHARE) * second[index]!;
      // Near misses have no centre (Docker, pricing, browsers...): only the nearest ones count.
      const score = isNearMiss(label) ? nearest : NEAREST_SHARE * nearest + (1 - NEAREST_SHARE) * central[index]!;
      if (label === OFF_TOPIC) {
        offTopic = score;
        offTopicProbability = probability[index]!;
      } else if (label === TEAM_MAY_ANSWER) {
        teamMayAnswer = score;
        teamMayAnswerProbability = probability[index]!;
      } else {
        best = Math.max(best, score);
        sectionProbability = Math.max(sectionProbability, probability[index]!);
        ranked.push({ label, score, probability: probability[index]! });
      }
    }
    // Ties break by label so the answer never depends on insertion order.
    ranked.sort((a, b) => rankKey(b) - rankKey(a) || a.label.localeCompare(b.label));
    // A team section leads: only the near misses no runbook answers count against it.
    const teamLeads = ranked[0] !== undefined && this.teamLabels.has(ranked[0].label);
    const against = teamLeads ? offTopic : Math.max(offTopic, teamMayAnswer);
    const linearMargin = sectionProbability - offTopicProbability - (teamLeads ? 0 : teamMayAnswerProbability);
    const margin = marginOf(best, against, linearMargin);
    const threshold = this.thresholdFor(ranked[0]?.label);
    const clears = best >= threshold && margin >= this.rule.margin;
    // A team section's probability is raised to a built-in section's prior (linear.ts), and that
    // lifts its linear margin over the near misses however close they are: it answers only when
    // the message is also at least as similar to it as to the nearest near misses (a CORS question
    // about an Express app, a Cloudflare purge, `psql` on a laptop are offered it instead). A
    // built-in section may trail them a little (BUILTIN_NEAR_MISS_GAP).
    const nearMissCloser = clears && best < against - (teamLeads ? 0 : BUILTIN_NEAR_MISS_GAP);
    const accepted = clears && !nearMissCloser;
    // The section offered is the best ranked, which must fit on its own (best may be another's score).
    const close = !accepted && (ranked[0]?.score ?? 0) >= threshold && margin >= this.rule.closeMargin;
    return { ranked, offTopic: against, linearMargin, accepted, close, ...(nearMissCloser ? { nearMissCloser } : {}), nearest: closest };
  }

  /** Each label's two most similar documents (other than `leaveOut`) and its centroid's similarity. */
  private nearest(
    words: DocVector,
    signals: DocVector,
    signalShare: number,
    leaveOut: number,
  ): { first: Float64Array; second: Float64Array; central: Float64Array; closest: { doc: number; similarity: number }[] } {
    const wordShare = 1 - signalShare;
    const sims = this.sims;
    // Only the documents sharing a feature with the query score above zero: the rest are never among the nearest.
    const touched: number[] = [];
    this.words.accumulate(words, wordShare, sims, touched);
    if (signalShare > 0) this.signals.accumulate(signals, signalShare, sims, touched);
    if (leaveOut >= 0) sims[leaveOut] = 0;
    const central = new Float64Array(this.labels.length);
    this.words.accumulateCentroids(words, wordShare, central);
    if (signalShare > 0) this.signals.accumulateCentroids(signals, signalShare, central);
    const first = new Float64Array(this.labels.length);
    const second = new Float64Array(this.labels.length);
    const closest: { doc: number; similarity: number }[] = [];
    // The two largest similarities of each label, whatever order the documents come in.
    for (let t = 0; t < touched.length; t++) {
      const doc = touched[t]!;
      const sim = sims[doc]!;
      const label = this.docLabels[doc]!;
      if (sim > 0 && (closest.length < NEAREST_SHOWN || sim >= closest[NEAREST_SHOWN - 1]!.similarity)) keepClosest(closest, doc, sim);
      if (sim > first[label]!) {
        second[label] = first[label]!;
        first[label] = sim;
      } else if (sim > second[label]!) second[label] = sim;
      sims[doc] = 0;
    }
    return { first, second, central, closest };
  }
}

/** Inserts the document into the list (most similar first, ties by document order), keeping at most NEAREST_SHOWN. */
function keepClosest(closest: { doc: number; similarity: number }[], doc: number, similarity: number): void {
  let at = closest.length;
  while (at > 0 && (closest[at - 1]!.similarity < similarity || (closest[at - 1]!.similarity === similarity && closest[at - 1]!.doc > doc))) at--;
  closest.splice(at, 0, { doc, similarity });
  if (closest.length > NEAREST_SHOWN) closest.pop();
}

/** The signals' share of the similarity: a message or document with a recognised error gives them SIGNAL_SHARE, the words the rest. */
function signalShareOf(features: TextFeatures): number {
  return features.signals.size > 0 ? SIGNAL_SHARE : 0;
}

/** Each part's scale in the linear model's input: one place for the training matrix and a query (joinVectors) alike. */
function linearScales(signalShare: number): { words: number; signals: number; chars: number } {
  return { words: 1 - signalShare, signals: signalShare * SIGNAL_LINEAR_WEIGHT, chars: CHAR_WEIGHT };
}

function isNearMiss(label: string): boolean {
  return label === OFF_TOPIC || label === TEAM_MAY_ANSWER;
}

/** Sections are ranked by similarity plus a share of the linear model's probability. */
export function rankKey(candidate: { score: number; probability: number }): number {
  return candidate.score + LINEAR_SHARE * candidate.probability;
}

/** How far the best section leads the near misses, in similarity and in the linear model's probability. */
function marginOf(top: number, offTopic: number, linearMargin: number): number {
  return top - offTopic + LINEAR_MARGIN_SHARE * linearMargin;
}

/** The index of the last value (ascending) that `x` reaches, as the accept rule compares (x >= value), or -1. */
function lastAtMost(values: number[], x: number): number {
  let index = -1;
  while (index + 1 < values.length && x >= values[index + 1]!) index++;
  return index;
}

/** The threshold and margin that make the fewest weighted mistakes on the examples judged out of fold. */
function fitRule(docs: LabelledFeatures[], decisions: { index: number; decision: Decision }[]): AcceptRule {
  const cases = decisions.map(({ index, decision }) => {
    const doc = docs[index]!;
    const top = decision.ranked[0];
    const best = Math.max(0, ...decision.ranked.map((c) => c.score));
    return { onTopic: !isNearMiss(doc.label), right: top?.label === doc.label, top: best, offTopic: decision.offTopic, linearMargin: decision.linearMargin };
  });
  const thresholds = Array.from({ length: 51 }, (_, i) => (10 + i) / 100);
  const margins = Array.from({ length: 2 * MARGIN_STEPS + 1 }, (_, i) => (i - MARGIN_STEPS) / 100);
  // A case is accepted by every rule up to its threshold index and margin index, so each rule's
  // cost is a fixed part (every on-topic case unanswered) plus a 2-D suffix sum of the cases'
  // changes when accepted: one pass over the cases instead of one per rule (~50 ms a build).
  const change = thresholds.map(() => new Float64Array(margins.length));
  let fixed = 0;
  for (const c of cases) {
    if (c.onTopic) fixed += 1;
    const delta = c.onTopic ? (c.right ? -1 : 0) : OFF_TOPIC_COST;
    const ti = lastAtMost(thresholds, c.top);
    const mi = lastAtMost(margins, marginOf(c.top, c.offTopic, c.linearMargin));
    if (ti >= 0 && mi >= 0 && delta !== 0) change[ti]![mi]! += delta;
  }
  const cost = thresholds.map(() => new Float64Array(margins.length));
  for (let i = thresholds.length - 1; i >= 0; i--) {
    let row = 0;
    for (let j = margins.length - 1; j >= 0; j--) {
      row += change[i]![j]!;
      cost[i]![j] = row + (i + 1 < thresholds.length ? cost[i + 1]![j]! : fixed);
    }
  }
  // Many rules (nearly) tie: a weighted average of them all, not one of the tied ones (see RULE_TEMPERATURE).
  const bestCost = Math.min(...cost.map((row) => Math.min(...row)));
  const temperature = RULE_TEMPERATURE * cases.length;
  let weights = 0;
  let thresholdSum = 0;
  let marginSum = 0;
  for (let i = 0; i < thresholds.length; i++) {
    for (let j = 0; j < margins.length; j++) {
      const weight = Math.exp(-(cost[i]![j]! - bestCost) / temperature);
      weights += weight;
      thresholdSum += weight * thresholds[i]!;
      marginSum += weight * margins[j]!;
    }
  }
  const threshold = hundredths(thresholdSum / weights);
  const margin = hundredths(marginSum / weights);
  return { threshold, margin, closeMargin: closeMargin(cases, threshold, margin) };
}

/**
 * On the grid's hundredths, as the rule was before it was an average: --explain prints them. "+ 0"
 * turns -0 into 0, which a stored rule reads back as (JSON has no -0).
 */
function hundredths(value: number): number {
  return Math.round(value * 100) / 100 + 0;
}

/** The margin that CLOSE_SHARE of the examples refused only by the margin, with the right best section, reach. */
function closeMargin(
  cases: { onTopic: boolean; right: boolean; top: number; offTopic: number; linearMargin: number }[],
  threshold: number,
  margin: number,
): number {
  const short = cases
    .filter((c) => c.onTopic && c.right && c.top >= threshold)
    .map((c) => marginOf(c.top, c.offTopic, c.linearMargin))
    .filter((m) => m < margin)
    .sort((a, b) => b - a);
  if (short.length === 0) return margin;
  return short[Math.min(short.length - 1, Math.ceil(CLOSE_SHARE * short.length) - 1)]!;
}
