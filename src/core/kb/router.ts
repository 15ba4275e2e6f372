/**
 * The router: nearest-example retrieval over TF-IDF vectors of words and character n-grams.
 * Every example (and every paragraph of a section's own text) is a document labelled with its
 * section, or with OFF_TOPIC for the near misses that must never be answered. A message scores
 * each label by its most similar documents; the accept rule (a threshold on the best section
 * and a margin over the off-topic score) is fitted on a validation split of the examples when
 * the model is built, so a team runbook gets a rule fitted with its own examples in it.
 */
import type { TextFeatures } from "./features.js";

export const OFF_TOPIC = "§off-topic";

export interface LabelledFeatures {
  label: string;
  features: TextFeatures;
  /** Section text (not an example question): always trained on, never used for validation. */
  text?: boolean;
}

export interface LabelScore {
  label: string;
  score: number;
}

export interface Decision {
  /** Labels other than OFF_TOPIC, best first. */
  ranked: LabelScore[];
  offTopic: number;
  accepted: boolean;
}

export interface AcceptRule {
  threshold: number;
  margin: number;
}

/** A label's score: its best document, plus a little of its second best (one odd example is not enough). */
const BEST_SHARE = 0.75;
/** Share of the similarity that comes from the signals, when the message has any. */
const SIGNAL_SHARE = Number(process.env.RC_SIG ?? 0.25);
/** Share of a label's score from its nearest examples; the rest from its centroid (all its examples). */
const NEAREST_SHARE = Number(process.env.RC_NEAR ?? 0.5);
/** Every how-many-th example of a label is kept out of training to fit the accept rule. */
const VALIDATION_EVERY = 4;
const MAX_VALIDATION = 300;
/** Off-topic mistakes count this much more than unanswered on-topic ones when fitting. */
const OFF_TOPIC_COST = Number(process.env.RC_COST ?? 1.5);
/** Used when a knowledge base has too few examples to fit a rule. */
export const DEFAULT_RULE: AcceptRule = { threshold: 0.3, margin: 0.02 };

/** Features in more than this share of documents say little and cost the most: not indexed. */
const MAX_INDEXED_SHARE = 0.3;

/** A query's unit-length TF-IDF vector in one space: feature ids and weights, side by side. */
interface QueryVector {
  ids: number[];
  weights: number[];
}

/**
 * One vector space (words, characters or signals): features interned to ids, inverse document
 * frequencies, postings in compressed rows (offsets into flat arrays) and dense label centroids.
 * Typed arrays throughout: building it allocates a handful of objects, not one per feature.
 */
class Space<K extends string> {
  private readonly ids = new Map<K, number>();
  private readonly idf: Float64Array;
  /** Postings of feature f: postingDocs/postingWeights[offsets[f] .. offsets[f + 1]). */
  private readonly offsets: Int32Array;
  private readonly postingDocs: Int32Array;
  private readonly postingWeights: Float64Array;
  /** Label centroids, unit length: centroids[label * featureCount + f]. */
  private readonly centroids: Float64Array;
  private readonly featureCount: number;

  constructor(docs: Map<K, number>[], docLabels: number[], labelCount: number) {
    const df: number[] = [];
    const docFeatures = docs.map((doc) => {
      const ids = new Int32Array(doc.size);
      const counts = new Float64Array(doc.size);
      let i = 0;
      for (const [key, count] of doc) {
        let id = this.ids.get(key);
        if (id === undefined) {
          id = df.length;
          this.ids.set(key, id);
          df.push(0);
        }
        df[id]!++;
        ids[i] = id;
        counts[i++] = count;
      }
      return { ids, counts };
    });
    const featureCount = (this.featureCount = df.length);
    this.idf = Float64Array.from(df, (count) => Math.log(1 + docs.length / count));
    const maxIndexed = Math.max(2, docs.length * MAX_INDEXED_SHARE);

    // Unit-length weights per document, in place of the counts.
    const offsets = (this.offsets = new Int32Array(featureCount + 1));
    for (const { ids, counts } of docFeatures) {
      let norm = 0;
      for (let i = 0; i < ids.length; i++) {
        counts[i] = (1 + Math.log(counts[i]!)) * this.idf[ids[i]!]!;
        norm += counts[i]! * counts[i]!;
      }
      const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
      for (let i = 0; i < ids.length; i++) {
        counts[i]! *= scale;
        if (df[ids[i]!]! <= maxIndexed) offsets[ids[i]! + 1]!++;
      }
    }
    for (let f = 0; f < featureCount; f++) offsets[f + 1]! += offsets[f]!;
    this.postingDocs = new Int32Array(offsets[featureCount]!);
    this.postingWeights = new Float64Array(offsets[featureCount]!);
    const fill = offsets.slice(0, featureCount);
    this.centroids = new Float64Array(labelCount * featureCount);
    docFeatures.forEach(({ ids, counts }, doc) => {
      const base = docLabels[doc]! * featureCount;
      for (let i = 0; i < ids.length; i++) {
        const f = ids[i]!;
        this.centroids[base + f]! += counts[i]!;
        if (df[f]! > maxIndexed) continue;
        const at = fill[f]!++;
        this.postingDocs[at] = doc;
        this.postingWeights[at] = counts[i]!;
      }
    });
    for (let label = 0; label < labelCount; label++) {
      const row = this.centroids.subarray(label * featureCount, (label + 1) * featureCount);
      let norm = 0;
      for (const value of row) norm += value * value;
      if (norm > 0) row.forEach((value, f) => (row[f] = value / Math.sqrt(norm)));
    }
  }

  /** The unit-length TF-IDF vector of `counts`; features this space has never seen are dropped. */
  vector(counts: Map<K, number>): QueryVector {
    const ids: number[] = [];
    const weights: number[] = [];
    let norm = 0;
    for (const [key, count] of counts) {
      const id = this.ids.get(key);
      if (id === undefined) continue;
      const weight = (1 + Math.log(count)) * this.idf[id]!;
      ids.push(id);
      weights.push(weight);
      norm += weight * weight;
    }
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let i = 0; i < weights.length; i++) weights[i]! *= scale;
    return { ids, weights };
  }

  /** Adds share x cosine(query, doc) into `into[doc]` for every document. */
  accumulate(query: QueryVector, share: number, into: Float64Array): void {
    for (let i = 0; i < query.ids.length; i++) {
      const f = query.ids[i]!;
      const scaled = share * query.weights[i]!;
      for (let at = this.offsets[f]!; at < this.offsets[f + 1]!; at++) into[this.postingDocs[at]!]! += scaled * this.postingWeights[at]!;
    }
  }

  /** Adds share x cosine(query, centroid) into `into[label]` for every label. */
  accumulateCentroids(query: QueryVector, share: number, into: Float64Array): void {
    for (let label = 0; label < into.length; label++) {
      const base = label * this.featureCount;
      let dot = 0;
      for (let i = 0; i < query.ids.length; i++) dot += query.weights[i]! * this.centroids[base + query.ids[i]!]!;
      into[label]! += share * dot;
    }
  }
}

export class Router {
  private readonly words: Space<string>;
  private readonly signals: Space<string>;
  /** Distinct labels, and each document's index into them. */
  private readonly labels: string[];
  private readonly docLabels: number[];

  rule: AcceptRule;

  private constructor(docs: LabelledFeatures[]) {
    this.labels = [...new Set(docs.map((d) => d.label))];
    const labelIndex = new Map(this.labels.map((label, index) => [label, index]));
    this.docLabels = docs.map((d) => labelIndex.get(d.label)!);
    this.words = new Space(docs.map((d) => d.features.words), this.docLabels, this.labels.length);
    this.signals = new Space(docs.map((d) => d.features.signals), this.docLabels, this.labels.length);
    this.rule = DEFAULT_RULE;
  }

  /**
   * Builds the router and fits its accept rule on a validation split of the examples: every
   * fourth example of each label, scored with itself left out (the others stay, so the split
   * costs no second model).
   */
  static train(docs: LabelledFeatures[]): Router {
    const router = new Router(docs);
    const validation: number[] = [];
    const seen = new Map<string, number>();
    const examples = docs.filter((doc) => !doc.text).length;
    // Every fourth example, or fewer in a large knowledge base: a few hundred fit the rule as well.
    const every = Math.max(VALIDATION_EVERY, Math.ceil(examples / MAX_VALIDATION));
    docs.forEach((doc, index) => {
      if (doc.text) return;
      const n = (seen.get(doc.label) ?? 0) + 1;
      seen.set(doc.label, n);
      if (n % every === 0) validation.push(index);
    });
    if (validation.length >= 10) router.rule = fitRule(router, docs, validation);
    return router;
  }

  decide(query: TextFeatures, leaveOut = -1): Decision {
    const sims = new Float64Array(this.docLabels.length);
    // A recognised error in the message takes a share of the similarity; without one, words
    // and characters share all of it.
    const signalShare = query.signals.size > 0 ? SIGNAL_SHARE : 0;
    const wordShare = 1 - signalShare;
    const words = this.words.vector(query.words);
    const signals = this.signals.vector(query.signals);
    this.words.accumulate(words, wordShare, sims);
    if (signalShare > 0) this.signals.accumulate(signals, signalShare, sims);
    if (leaveOut >= 0) sims[leaveOut] = 0;
    const central = new Float64Array(this.labels.length);
    this.words.accumulateCentroids(words, wordShare, central);
    if (signalShare > 0) this.signals.accumulateCentroids(signals, signalShare, central);
    const first = new Float64Array(this.labels.length);
    const second = new Float64Array(this.labels.length);
    sims.forEach((sim, doc) => {
      const label = this.docLabels[doc]!;
      if (sim > first[label]!) [first[label], second[label]] = [sim, first[label]!];
      else if (sim > second[label]!) second[label] = sim;
    });
    const ranked: LabelScore[] = [];
    let offTopic = 0;
    for (const [index, label] of this.labels.entries()) {
      const nearest = BEST_SHARE * first[index]! + (1 - BEST_SHARE) * second[index]!;
      // Near misses have no centre (Docker, pricing, browsers...): only the nearest ones count.
      const score = label === OFF_TOPIC ? nearest : NEAREST_SHARE * nearest + (1 - NEAREST_SHARE) * central[index]!;
      if (label === OFF_TOPIC) offTopic = score;
      else ranked.push({ label, score });
    }
    // Ties break by label so the answer never depends on insertion order.
    ranked.sort((a, b) => b.score - a.score || a.label.localeCompare(b.label));
    const top = ranked[0]?.score ?? 0;
    return { ranked, offTopic, accepted: accepts(this.rule, top, offTopic) };
  }
}

function accepts(rule: AcceptRule, top: number, offTopic: number): boolean {
  return top >= rule.threshold && top - offTopic >= rule.margin;
}

/** The threshold and margin that make the fewest weighted mistakes on the validation examples. */
function fitRule(router: Router, docs: LabelledFeatures[], validation: number[]): AcceptRule {
  const cases = validation.map((index) => {
    const doc = docs[index]!;
    const decision = router.decide(doc.features, index);
    const top = decision.ranked[0];
    return { onTopic: doc.label !== OFF_TOPIC, right: top?.label === doc.label, top: top?.score ?? 0, offTopic: decision.offTopic };
  });
  let bestCost = Infinity;
  let bestRules: AcceptRule[] = [];
  for (let t = 10; t <= 60; t++) {
    for (let m = -10; m <= 15; m++) {
      const rule = { threshold: t / 100, margin: m / 100 };
      let cost = 0;
      for (const c of cases) {
        const accepted = accepts(rule, c.top, c.offTopic);
        if (c.onTopic) cost += accepted && c.right ? 0 : 1;
        else cost += accepted ? OFF_TOPIC_COST : 0;
      }
      if (cost < bestCost) [bestCost, bestRules] = [cost, [rule]];
      else if (cost === bestCost) bestRules.push(rule);
    }
  }
  // Validation examples are easier than real questions, so many rules tie: take the middle
  // of the best ones rather than an edge that only just separates them.
  const thresholds = [...new Set(bestRules.map((r) => r.threshold))].sort((a, b) => a - b);
  const threshold = thresholds[Math.floor(thresholds.length / 2)] ?? DEFAULT_RULE.threshold;
  const margins = bestRules.filter((r) => r.threshold === threshold).map((r) => r.margin).sort((a, b) => a - b);
  return { threshold, margin: margins[Math.floor(margins.length / 2)] ?? DEFAULT_RULE.margin };
}

