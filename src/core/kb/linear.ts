/**
 * A multinomial logistic regression over the router's TF-IDF vectors (words, signals and the
 * words' character n-grams): where nearest examples say which examples a message resembles, the
 * linear model learns which words tell two close sections apart ("forever", "downside" for
 * prevention; "steps", "dashboard" for the clicks).
 * Trained by plain stochastic gradient descent in a fixed order, so the same examples always
 * give the same weights.
 */
import { storedFloat32 } from "./stored-arrays.js";
import type { QueryVector, SparseRows } from "./space.js";

export interface LinearState {
  labelCount: number;
  featureCount: number;
  /** labelCount weights per feature. */
  weights: Float32Array;
  bias: number[];
}

/**
 * Training rows side by side in flat typed arrays (compressed rows): row r's features are
 * ids/values[offsets[r] .. offsets[r + 1]), its label labels[r]. Built once, read by every pass
 * of every training without an object per row.
 */
export interface TrainingMatrix extends SparseRows {
  labels: Int32Array;
}

/** One part of every training row: its rows, the id its features start at, and each row's scale. */
export interface RowPart {
  rows: SparseRows;
  base: number;
  scale: Float64Array;
}

/** The training matrix whose row r is each part's row r in turn (ids shifted by its base, values times its scale for the row). */
export function joinRows(parts: readonly RowPart[], labels: Int32Array): TrainingMatrix {
  const offsets = new Int32Array(labels.length + 1);
  const ids = new Int32Array(parts.reduce((n, part) => n + part.rows.ids.length, 0));
  const values = new Float64Array(ids.length);
  let at = 0;
  for (let r = 0; r < labels.length; r++) {
    for (let p = 0; p < parts.length; p++) {
      const { rows, base, scale } = parts[p]!;
      const factor = scale[r]!;
      for (let i = rows.offsets[r]!; i < rows.offsets[r + 1]!; i++) {
        ids[at] = rows.ids[i]! + base;
        values[at++] = rows.values[i]! * factor;
      }
    }
    offsets[r + 1] = at;
  }
  return { offsets, ids, values, labels };
}

// Four passes at 1 / (1 + pass). Three at 0.67 left the model short of its own examples ("wait, what
// does it look like when it happens?" came out 0.20 symptoms, 0.26 triggers). Cost over the tunable sets
// and cross-validation, twelve example orders: 7,337 -> 7,115 (the sets alone 1,320 -> 1,260). Larger
// steps fit better still (three passes at 1.5: 7,137) but the examples' order then moved ~50 held-out
// answers instead of ~30; five passes gain little more for a quarter more build time.
const EPOCHS = 4;
const LEARNING_RATE = 1;
/** Smaller updates than this are skipped: they cost a pass over the row and change nothing. */
const MIN_STEP = 1e-3;
/** Labels trained side by side in one pass over a row's features (see trainPass). */
const LABEL_BLOCK = 4;

export class LinearModel {
  private constructor(
    private readonly labelCount: number,
    private readonly featureCount: number,
    /** weights[feature * stride + label], stride >= labelCount: float32 (half the memory of the float64 trained, the same values). */
    private readonly weights: Float32Array,
    private readonly stride: number,
    private readonly bias: Float64Array,
  ) {}

  /** A model that has learned nothing: every label equally likely. */
  static empty(labelCount: number, featureCount: number): LinearModel {
    return new LinearModel(labelCount, featureCount, new Float32Array(featureCount * labelCount), labelCount, new Float64Array(labelCount));
  }

  /**
   * Trains on the matrix's rows listed in `use` (indices into it), in the fixed interleaved order;
   * with `members` > 1, that many models each starting the order at another row, averaged.
   * `reference` marks the labels whose smallest a smaller label is raised to (see raiseSmallLabels); without it, none is raised.
   */
  static fit(
    matrix: TrainingMatrix,
    use: readonly number[],
    labelCount: number,
    featureCount: number,
    reference?: (label: number) => boolean,
    members = 1,
  ): LinearModel {
    // Labels padded to a multiple of LABEL_BLOCK while training (see trainPass); the padding stays zero.
    const stride = Math.ceil(labelCount / LABEL_BLOCK) * LABEL_BLOCK;
    const weights = new Float64Array(featureCount * stride);
    const bias = new Float64Array(stride);
    const perLabel = new Float64Array(labelCount);
    for (const row of use) perLabel[matrix.labels[row]!]!++;
    // Rows in a fixed interleaved order (a stride through the list) so labels mix without randomness.
    const interleaved = interleave(use.length);
    const train = (into: Float64Array, intoBias: Float64Array, member: number) => {
      // Each member starts its pass at another point of the same order.
      const start = Math.floor((member * use.length) / members);
      const order = Int32Array.from(interleaved, (_, i) => use[interleaved[(i + start) % use.length]!]!);
      for (let epoch = 0; epoch < EPOCHS; epoch++) trainPass(into, intoBias, labelCount, matrix, order, LEARNING_RATE / (1 + epoch));
    };
    train(weights, bias, 0);
    if (members > 1) {
      // The members' weights averaged: one model, of one member's size, that the order of the rows moves less.
      const memberWeights = new Float64Array(weights.length);
      const memberBias = new Float64Array(stride);
      for (let member = 1; member < members; member++) {
        memberWeights.fill(0);
        memberBias.fill(0);
        train(memberWeights, memberBias, member);
        for (let i = 0; i < weights.length; i++) weights[i]! += memberWeights[i]!;
        for (let i = 0; i < stride; i++) bias[i]! += memberBias[i]!;
      }
      for (let i = 0; i < weights.length; i++) weights[i]! /= members;
      for (let i = 0; i < stride; i++) bias[i]! /= members;
    }
    raiseSmallLabels(bias, perLabel, reference);
    // Kept as float32 (a built and a restored model then hold the very same weights), padding and all:
    // dropping it here was a loop over every weight that cost more than it saved.
    return new LinearModel(labelCount, featureCount, Float32Array.from(weights), stride, bias.slice(0, labelCount));
  }

  static restore(state: LinearState): LinearModel {
    if (state.bias.length !== state.labelCount) throw new Error("stored linear model is inconsistent");
    const weights = storedFloat32(state.weights, state.featureCount * state.labelCount);
    return new LinearModel(state.labelCount, state.featureCount, weights, state.labelCount, Float64Array.from(state.bias));
  }

  /** The stored form: labelCount weights per feature (no padding). */
  state(): LinearState {
    const { labelCount, featureCount, stride } = this;
    let packed = this.weights;
    if (stride !== labelCount) {
      packed = new Float32Array(featureCount * labelCount);
      for (let f = 0; f < featureCount; f++) packed.set(this.weights.subarray(f * stride, f * stride + labelCount), f * labelCount);
    }
    return { labelCount, featureCount, weights: packed, bias: [...this.bias] };
  }

  /** Each label's probability for the vector. */
  probabilities(vector: QueryVector): Float64Array {
    return this.probabilitiesOf(vector.ids, vector.weights, 0, vector.ids.length);
  }

  /** Each label's probability for row `row` of a training matrix (what probabilities() gives for that row's vector). */
  rowProbabilities(matrix: TrainingMatrix, row: number): Float64Array {
    return this.probabilitiesOf(matrix.ids, matrix.values, matrix.offsets[row]!, matrix.offsets[row + 1]!);
  }

  /** Each label's probability for the features ids/values[from .. to). */
  private probabilitiesOf(ids: ArrayLike<number>, values: ArrayLike<number>, from: number, to: number): Float64Array {
    const labels = this.labelCount;
    const out = new Float64Array(labels);
    out.set(this.bias);
    for (let i = from; i < to; i++) {
      const base = ids[i]! * this.stride;
      const weight = values[i]!;
      for (let l = 0; l < labels; l++) out[l]! += weight * this.weights[base + l]!;
    }
    softmax(out);
    return out;
  }
}

/**
 * Raises a label with fewer rows than the smallest reference label (the router's: a built-in
 * section) by log(smallest / rows): a priori as likely as that section. Trained on few rows, a
 * team runbook's heading (its text, a few examples) came out of training a hundred times less
 * likely than the near misses' label for the very words of its text, and its team's questions
 * were refused. On four teams' runbooks written without seeing the engine, their questions
 * 68 -> 95 of 120 (near misses refused 37 -> 29 of 40, mostly asked on a runbook's own topic), and
 * with all six runbooks loaded together 66 -> 110 of 180 (raised to the median of every label,
 * forty team headings made a team heading the median and raised nothing). No built-in section is
 * smaller than the smallest, so the built-in answers are those of a model without the raise.
 * The raise is all a small label gets. Its rows used to weigh sqrt(median rows / its rows) in training
 * as well; dropping that weight (measured at three passes of 0.67) refused more of fourteen teams'
 * runbooks' near misses (117 -> 121 of 140; team questions 299 -> 297 of 420, built-in 144 -> 147 of 160).
 */
function raiseSmallLabels(bias: Float64Array, perLabel: Float64Array, reference?: (label: number) => boolean): void {
  if (!reference) return;
  const smallest = Math.min(...[...perLabel].filter((n, label) => n > 0 && reference(label)));
  if (!Number.isFinite(smallest)) return;
  for (let label = 0; label < perLabel.length; label++) {
    const rows = perLabel[label]!;
    if (rows > 0 && rows < smallest) bias[label]! += Math.log(smallest / rows);
  }
}

/**
 * One pass of stochastic gradient descent over the matrix rows in `order`. A function of its own,
 * with nothing after its loop: optimised once (on stack replacement) in a fresh process and then
 * reused by every pass, where inside fit() the code after each loop, never run when it was
 * optimised, threw the optimised code away and the next pass ran unoptimised until it was again.
 * `weights` and `bias` hold `bias.length` labels per feature (labelCount padded to LABEL_BLOCK).
 */
function trainPass(weights: Float64Array, bias: Float64Array, labelCount: number, matrix: TrainingMatrix, order: Int32Array, rate: number): void {
  const { offsets, ids, values, labels } = matrix;
  const stride = bias.length;
  const probabilities = new Float64Array(stride);
  const steps = new Float64Array(stride);
  for (let r = 0; r < order.length; r++) {
    const row = order[r]!;
    const label = labels[row]!;
    const from = offsets[row]!;
    const to = offsets[row + 1]!;
    // Each label's score for the row, four labels at a time summed in locals (registers, not memory):
    // each label's sum still adds the same products in the same order, so the same values as one at a time.
    for (let c = 0; c < stride; c += LABEL_BLOCK) {
      let p0 = bias[c]!;
      let p1 = bias[c + 1]!;
      let p2 = bias[c + 2]!;
      let p3 = bias[c + 3]!;
      for (let i = from; i < to; i++) {
        const base = ids[i]! * stride + c;
        const x = values[i]!;
        p0 += x * weights[base]!;
        p1 += x * weights[base + 1]!;
        p2 += x * weights[base + 2]!;
        p3 += x * weights[base + 3]!;
      }
      probabilities[c] = p0;
      probabilities[c + 1] = p1;
      probabilities[c + 2] = p2;
      probabilities[c + 3] = p3;
    }
    // The softmax written out here: as a function of its own, called before its softmax ever ran,
    // it was optimised and thrown away ~25 times in a fresh process.
    let max = -Infinity;
    for (let l = 0; l < labelCount; l++) max = Math.max(max, probabilities[l]!);
    let sum = 0;
    for (let l = 0; l < labelCount; l++) sum += probabilities[l] = Math.exp(probabilities[l]! - max);
    for (let l = 0; l < labelCount; l++) probabilities[l]! /= sum;
    // Each label's step (0 for a label the model already gets right for this row: it learns nothing).
    // No branch around the rest: code a fresh process has not yet run when it optimises this throws the optimised code away.
    let moved = 0;
    for (let l = 0; l < labelCount; l++) {
      const full = rate * (probabilities[l]! - (l === label ? 1 : 0));
      const step = Math.abs(full) < MIN_STEP ? 0 : full;
      bias[l]! -= step;
      steps[l] = step;
      moved += step === 0 ? 0 : 1;
    }
    if (moved === 0) continue;
    // One pass over the row's features per block of labels with a step (w - 0 * x is w: the rest are unchanged).
    for (let c = 0; c < stride; c += LABEL_BLOCK) {
      const s0 = steps[c]!;
      const s1 = steps[c + 1]!;
      const s2 = steps[c + 2]!;
      const s3 = steps[c + 3]!;
      if (((s0 !== 0 ? 1 : 0) | (s1 !== 0 ? 1 : 0) | (s2 !== 0 ? 1 : 0) | (s3 !== 0 ? 1 : 0)) === 0) continue;
      for (let i = from; i < to; i++) {
        const base = ids[i]! * stride + c;
        const x = values[i]!;
        weights[base]! -= s0 * x;
        weights[base + 1]! -= s1 * x;
        weights[base + 2]! -= s2 * x;
        weights[base + 3]! -= s3 * x;
      }
    }
  }
}

/** Turns scores into probabilities in place (shifted by the largest, so exp never overflows). */
function softmax(out: Float64Array): void {
  const labels = out.length;
  let max = -Infinity;
  for (const value of out) max = Math.max(max, value);
  let sum = 0;
  for (let l = 0; l < labels; l++) sum += out[l] = Math.exp(out[l]! - max);
  for (let l = 0; l < labels; l++) out[l]! /= sum;
}

/** 0..n-1 visited with a stride coprime to n: every row once, neighbours far apart. */
function interleave(n: number): number[] {
  let stride = Math.max(1, Math.floor(n * 0.618));
  while (stride > 1 && gcd(stride, n) !== 1) stride--;
  return Array.from({ length: n }, (_, i) => (i * stride) % n);
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
