/**
 * One vector space of the router (words, or signals): features interned to ids, inverse document
 * frequencies, postings in compressed rows (offsets into flat arrays) and label centroids. Typed
 * arrays throughout: building it allocates a handful of objects, not one per feature. Its state
 * is its keys and typed arrays, so a built space can be stored and restored without building it again.
 */
import { storedFloat64, storedInt32 } from "./stored-arrays.js";

/** A query's unit-length TF-IDF vector in one space: feature ids and weights, side by side. */
export interface QueryVector {
  ids: number[];
  weights: number[];
}

/** A document's vector as a build makes it (typed arrays; the same values vector() gives for it). */
export interface DocVector {
  ids: ArrayLike<number>;
  weights: ArrayLike<number>;
}

/**
 * Documents' vectors side by side in flat arrays (compressed rows): document d's feature ids and
 * values are ids/values[offsets[d] .. offsets[d + 1]). What a build makes: one pass over flat
 * arrays warms up in a fresh process where a call per document ran unoptimised much longer.
 */
export interface SparseRows {
  offsets: Int32Array;
  ids: Int32Array;
  values: Float64Array;
}

/** Row `row` of `rows` as a vector (views, no copy). */
export function rowVector(rows: SparseRows, row: number): DocVector {
  const from = rows.offsets[row]!;
  const to = rows.offsets[row + 1]!;
  return { ids: rows.ids.subarray(from, to), weights: rows.values.subarray(from, to) };
}

/** Everything a space needs to answer: its keys, and its numbers as typed arrays (stored as bytes by model-file.ts). */
export interface SpaceState {
  keys: string[];
  /** One per feature. */
  idf: Float64Array;
  /** One per feature and one more. */
  offsets: Int32Array;
  /** One each per posting. */
  postingDocs: Int32Array;
  postingWeights: Float64Array;
  labelCount: number;
  /** The label centroids by feature, as the space holds them (CentroidColumns): a restore reads them as they are. */
  centroidOffsets: Int32Array;
  centroidLabels: Int32Array;
  centroidValues: Float64Array;
}

/** Features in more than this share of documents say little and cost the most: not indexed. */
const MAX_INDEXED_SHARE = 0.3;

export class Space {
  private constructor(
    private readonly ids: Map<string, number>,
    private readonly idf: Float64Array,
    /** Postings of feature f: postingDocs/postingWeights[offsets[f] .. offsets[f + 1]). */
    private readonly offsets: Int32Array,
    private readonly postingDocs: Int32Array,
    private readonly postingWeights: Float64Array,
    /** Label centroids, unit length, by feature (see CentroidColumns). */
    private readonly centroids: CentroidColumns,
    private readonly labelCount: number,
  ) {}

  private get featureCount(): number {
    return this.idf.length;
  }

  /** How many features the space knows. */
  get size(): number {
    return this.idf.length;
  }

  /** Builds the space from each document's feature counts and label; also gives each document's vector (as vector() would). */
  static build(docs: Map<string, number>[], docLabels: number[], labelCount: number): { space: Space; rows: SparseRows } {
    const ids = new Map<string, number>();
    const df: number[] = [];
    const rows = internRows(docs, ids, df);
    const featureCount = df.length;
    const idf = new Float64Array(featureCount);
    for (let f = 0; f < featureCount; f++) idf[f] = inverseDocumentFrequency(docs.length, df[f]!);
    // Unit-length TF-IDF weights per document, in place of the counts.
    for (let d = 0; d < docs.length; d++) weighUnitTfIdf(rows.ids, rows.values, idf, rows.offsets[d]!, rows.offsets[d + 1]!);
    const maxIndexed = Math.max(2, docs.length * MAX_INDEXED_SHARE);
    const { offsets, postingDocs, postingWeights } = postingsOf(rows, df, maxIndexed);
    const centroids = centroidColumns(centroidsOf(rows, docLabels, labelCount, featureCount), labelCount, featureCount);
    return { space: new Space(ids, idf, offsets, postingDocs, postingWeights, centroids, labelCount), rows };
  }

  /** A space from its stored state; throws on a state that does not hold together. */
  static restore(state: SpaceState): Space {
    const featureCount = state.keys.length;
    const offsets = storedInt32(state.offsets, featureCount + 1);
    const postingDocs = storedInt32(state.postingDocs);
    const postingWeights = storedFloat64(state.postingWeights, postingDocs.length);
    if (offsets[featureCount] !== postingDocs.length) throw new Error("stored vector space is inconsistent");
    const ids = new Map<string, number>();
    for (let id = 0; id < featureCount; id++) ids.set(state.keys[id]!, id);
    return new Space(ids, storedFloat64(state.idf, featureCount), offsets, postingDocs, postingWeights, storedColumns(state, featureCount), state.labelCount);
  }

  state(): SpaceState {
    return {
      keys: [...this.ids.keys()],
      idf: this.idf,
      offsets: this.offsets,
      postingDocs: this.postingDocs,
      postingWeights: this.postingWeights,
      labelCount: this.featureCount === 0 ? 0 : this.labelCount,
      centroidOffsets: this.centroids.offsets,
      centroidLabels: this.centroids.labels,
      centroidValues: this.centroids.values,
    };
  }

  /** The unit-length TF-IDF vector of `counts`; features this space has never seen are dropped. */
  vector(counts: Map<string, number>): QueryVector {
    const ids: number[] = [];
    const counted: number[] = [];
    for (const [key, count] of counts) {
      const id = this.ids.get(key);
      if (id === undefined) continue;
      ids.push(id);
      counted.push(count);
    }
    weighUnitTfIdf(ids, counted, this.idf);
    return { ids, weights: counted };
  }

  /**
   * Adds share x cosine(query, doc) into `into[doc]` for every document, and lists in `touched` the
   * documents it adds to that were at zero (every weight is positive: so each document once).
   */
  accumulate(query: DocVector, share: number, into: Float64Array, touched: number[]): void {
    for (let i = 0; i < query.ids.length; i++) {
      const f = query.ids[i]!;
      const scaled = share * query.weights[i]!;
      for (let at = this.offsets[f]!; at < this.offsets[f + 1]!; at++) {
        const doc = this.postingDocs[at]!;
        if (into[doc] === 0) touched.push(doc);
        into[doc]! += scaled * this.postingWeights[at]!;
      }
    }
  }

  /** Adds share x cosine(query, centroid) into `into[label]` for every label. */
  accumulateCentroids(query: DocVector, share: number, into: Float64Array): void {
    // Each label's dot product sums its non-zero terms in the query's order: what summing every
    // term of a dense centroid gave (a zero term adds +0, which changes no sum of positive terms).
    const { offsets, labels, values } = this.centroids;
    const dots = new Float64Array(into.length);
    for (let i = 0; i < query.ids.length; i++) {
      const f = query.ids[i]!;
      const weight = query.weights[i]!;
      for (let at = offsets[f]!; at < offsets[f + 1]!; at++) dots[labels[at]!]! += weight * values[at]!;
    }
    for (let label = 0; label < into.length; label++) into[label]! += share * dots[label]!;
  }
}

/**
 * Each document's feature counts as rows of interned ids (numbered in order of first appearance,
 * a document's in its map's order), counting in `df` the documents each feature is in.
 */
function internRows(docs: Map<string, number>[], ids: Map<string, number>, df: number[]): SparseRows {
  let total = 0;
  for (let d = 0; d < docs.length; d++) total += docs[d]!.size;
  const offsets = new Int32Array(docs.length + 1);
  const rowIds = new Int32Array(total);
  const values = new Float64Array(total);
  let at = 0;
  // forEach, not for...of: no [key, count] pair per feature; one callback for every document.
  const intern = (count: number, key: string) => {
    let id = ids.get(key);
    if (id === undefined) {
      id = df.length;
      ids.set(key, id);
      df.push(0);
    }
    df[id]!++;
    rowIds[at] = id;
    values[at++] = count;
  };
  for (let d = 0; d < docs.length; d++) {
    docs[d]!.forEach(intern);
    offsets[d + 1] = at;
  }
  return { offsets, ids: rowIds, values };
}

/** Postings of the features in at most `maxIndexed` documents: for each feature, its documents (in order) and weights. */
function postingsOf(rows: SparseRows, df: number[], maxIndexed: number): { offsets: Int32Array; postingDocs: Int32Array; postingWeights: Float64Array } {
  const featureCount = df.length;
  const offsets = new Int32Array(featureCount + 1);
  for (let i = 0; i < rows.ids.length; i++) if (df[rows.ids[i]!]! <= maxIndexed) offsets[rows.ids[i]! + 1]!++;
  for (let f = 0; f < featureCount; f++) offsets[f + 1]! += offsets[f]!;
  const postingDocs = new Int32Array(offsets[featureCount]!);
  const postingWeights = new Float64Array(offsets[featureCount]!);
  const fill = offsets.slice(0, featureCount);
  for (let d = 0; d + 1 < rows.offsets.length; d++) {
    for (let i = rows.offsets[d]!; i < rows.offsets[d + 1]!; i++) {
      const f = rows.ids[i]!;
      if (df[f]! > maxIndexed) continue;
      const at = fill[f]!++;
      postingDocs[at] = d;
      postingWeights[at] = rows.values[i]!;
    }
  }
  return { offsets, postingDocs, postingWeights };
}

/** Each label's centroid (the sum of its documents' vectors), scaled to unit length: centroids[label * featureCount + f]. */
function centroidsOf(rows: SparseRows, docLabels: number[], labelCount: number, featureCount: number): Float64Array {
  const centroids = new Float64Array(labelCount * featureCount);
  for (let d = 0; d + 1 < rows.offsets.length; d++) {
    const base = docLabels[d]! * featureCount;
    for (let i = rows.offsets[d]!; i < rows.offsets[d + 1]!; i++) centroids[base + rows.ids[i]!]! += rows.values[i]!;
  }
  for (let label = 0; label < labelCount; label++) {
    const row = centroids.subarray(label * featureCount, (label + 1) * featureCount);
    let norm = 0;
    for (let f = 0; f < row.length; f++) norm += row[f]! * row[f]!;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let f = 0; f < row.length; f++) row[f]! *= scale;
  }
  return centroids;
}

/**
 * Label centroids by feature (compressed columns): feature f's non-zero cells are
 * labels/values[offsets[f] .. offsets[f + 1]), labels ascending. A centroid holds only the
 * features of its label's documents: dense, nine cells in ten were zeros.
 */
export interface CentroidColumns {
  offsets: Int32Array;
  labels: Int32Array;
  values: Float64Array;
}

/** Dense centroids (centroids[label * featureCount + f]) by feature, zeros left out. */
function centroidColumns(dense: Float64Array, labelCount: number, featureCount: number): CentroidColumns {
  const indices: number[] = [];
  const values: number[] = [];
  for (let index = 0; index < dense.length; index++) {
    if (dense[index] === 0) continue;
    indices.push(index);
    values.push(dense[index]!);
  }
  return centroidCells(indices, values, labelCount, featureCount);
}

/** Centroids from their non-zero cells, in index order (index = label x featureCount + feature). */
function centroidCells(indices: ArrayLike<number>, values: ArrayLike<number>, labelCount: number, featureCount: number): CentroidColumns {
  const offsets = new Int32Array(featureCount + 1);
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i]!;
    if (!Number.isInteger(index) || index < 0 || index >= labelCount * featureCount) throw new Error("stored vector space is inconsistent");
    offsets[(index % featureCount) + 1]!++;
  }
  for (let f = 0; f < featureCount; f++) offsets[f + 1]! += offsets[f]!;
  const labels = new Int32Array(offsets[featureCount]!);
  const columnValues = new Float64Array(offsets[featureCount]!);
  // In the cells' order (by label, then feature): each feature's labels come out ascending.
  const fill = offsets.slice(0, featureCount);
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i]!;
    const at = fill[index % featureCount]!++;
    labels[at] = Math.floor(index / featureCount);
    columnValues[at] = values[i]!;
  }
  return { offsets, labels, values: columnValues };
}

/** Stored centroid columns, checked: offsets from 0 up to the cells, each feature's labels ascending and below labelCount. */
function storedColumns(state: SpaceState, featureCount: number): CentroidColumns {
  const offsets = storedInt32(state.centroidOffsets, featureCount + 1);
  const labels = storedInt32(state.centroidLabels);
  const values = storedFloat64(state.centroidValues, labels.length);
  const labelCount = state.labelCount;
  if (offsets[0] !== 0 || offsets[featureCount] !== labels.length) throw new Error("stored vector space is inconsistent");
  for (let f = 0; f < featureCount; f++) {
    const from = offsets[f]!;
    const to = offsets[f + 1]!;
    if (to < from) throw new Error("stored vector space is inconsistent");
    for (let at = from; at < to; at++) {
      const label = labels[at]!;
      if (label < 0 || label >= labelCount || (at > from && label <= labels[at - 1]!)) throw new Error("stored vector space is inconsistent");
    }
  }
  return { offsets, labels, values };
}

/** Smoothed IDF of a feature found in `count` of `docCount` documents. */
export function inverseDocumentFrequency(docCount: number, count: number): number {
  return Math.log(1 + docCount / count);
}

/** Turns `counts` (those from .. to) into sublinear TF (1 + log count) times IDF, scaled to unit length, in place. */
export function weighUnitTfIdf(ids: ArrayLike<number>, counts: number[] | Float64Array, idf: Float64Array, from = 0, to = ids.length): void {
  let norm = 0;
  for (let i = from; i < to; i++) {
    const weight = (1 + Math.log(counts[i]!)) * idf[ids[i]!]!;
    counts[i] = weight;
    norm += weight * weight;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let i = from; i < to; i++) counts[i]! *= scale;
}

/**
 * A word pair ("clear cache") in fewer than this many documents is left out of the word space: a
 * pair only one example has adds nothing its two words do not already match, and such pairs were
 * two fifths of the space (on the tunable sets over six example orders, answers as good or
 * better; the stored model a quarter smaller, which the 120 MB memory target needs).
 */
const MIN_PAIR_DOCS = 2;

/** Each document's word features without the word pairs fewer than MIN_PAIR_DOCS documents have. */
export function withoutRarePairs(docs: readonly Map<string, number>[]): Map<string, number>[] {
  const df = new Map<string, number>();
  for (const doc of docs) for (const key of doc.keys()) if (key.includes(" ")) df.set(key, (df.get(key) ?? 0) + 1);
  return docs.map((doc) => {
    const kept = new Map<string, number>();
    for (const [key, count] of doc) if (!key.includes(" ") || df.get(key)! >= MIN_PAIR_DOCS) kept.set(key, count);
    return kept;
  });
}
