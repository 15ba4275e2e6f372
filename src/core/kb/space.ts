/**
 * One vector space of the router (words, or signals): features interned to ids, inverse document
 * frequencies, postings in compressed rows (offsets into flat arrays) and label centroids. Typed
 * arrays throughout: building it allocates a handful of objects, not one per feature. Its state
 * is plain arrays, so a built space can be stored and restored without building it again.
 */

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

/** Everything a space needs to answer, as JSON-friendly arrays. */
export interface SpaceState {
  keys: string[];
  idf: number[];
  offsets: number[];
  postingDocs: number[];
  postingWeights: number[];
  labelCount: number;
  /** Non-zero centroid cells as index, value pairs (index = label x featureCount + feature). */
  centroids: number[];
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
    /** Label centroids, unit length: centroids[label * featureCount + f]. */
    private readonly centroids: Float64Array,
  ) {}

  private get featureCount(): number {
    return this.idf.length;
  }

  /** How many features the space knows. */
  get size(): number {
    return this.idf.length;
  }

  /** Builds the space from each document's feature counts and label; also gives each document's vector (as vector() would). */
  static build(docs: Map<string, number>[], docLabels: number[], labelCount: number): { space: Space; vectors: DocVector[] } {
    const ids = new Map<string, number>();
    const df: number[] = [];
    const docFeatures = docs.map((doc) => {
      const featureIds = new Int32Array(doc.size);
      const weights = new Float64Array(doc.size);
      let i = 0;
      // forEach, not for...of: no [key, count] pair per feature.
      doc.forEach((count, key) => {
        let id = ids.get(key);
        if (id === undefined) {
          id = df.length;
          ids.set(key, id);
          df.push(0);
        }
        df[id]!++;
        featureIds[i] = id;
        weights[i++] = count;
      });
      return { featureIds, weights };
    });
    const featureCount = df.length;
    const idf = Float64Array.from(df, (count) => inverseDocumentFrequency(docs.length, count));
    const maxIndexed = Math.max(2, docs.length * MAX_INDEXED_SHARE);

    // Unit-length TF-IDF weights per document, in place of the counts.
    const offsets = new Int32Array(featureCount + 1);
    for (let d = 0; d < docFeatures.length; d++) {
      const { featureIds, weights } = docFeatures[d]!;
      weighUnitTfIdf(featureIds, weights, idf);
      for (let i = 0; i < featureIds.length; i++) if (df[featureIds[i]!]! <= maxIndexed) offsets[featureIds[i]! + 1]!++;
    }
    for (let f = 0; f < featureCount; f++) offsets[f + 1]! += offsets[f]!;
    const postingDocs = new Int32Array(offsets[featureCount]!);
    const postingWeights = new Float64Array(offsets[featureCount]!);
    const fill = offsets.slice(0, featureCount);
    const centroids = new Float64Array(labelCount * featureCount);
    docFeatures.forEach(({ featureIds, weights }, doc) => {
      const base = docLabels[doc]! * featureCount;
      for (let i = 0; i < featureIds.length; i++) {
        const f = featureIds[i]!;
        centroids[base + f]! += weights[i]!;
        if (df[f]! > maxIndexed) continue;
        const at = fill[f]!++;
        postingDocs[at] = doc;
        postingWeights[at] = weights[i]!;
      }
    });
    for (let label = 0; label < labelCount; label++) {
      const row = centroids.subarray(label * featureCount, (label + 1) * featureCount);
      let norm = 0;
      for (let f = 0; f < row.length; f++) norm += row[f]! * row[f]!;
      const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
      for (let f = 0; f < row.length; f++) row[f]! *= scale;
    }
    const vectors = docFeatures.map(({ featureIds, weights }) => ({ ids: featureIds, weights }));
    return { space: new Space(ids, idf, offsets, postingDocs, postingWeights, centroids), vectors };
  }

  /** A space from its stored state; throws on a state that does not hold together. */
  static restore(state: SpaceState): Space {
    const featureCount = state.keys.length;
    const postings = state.postingDocs.length;
    if (
      state.idf.length !== featureCount ||
      state.offsets.length !== featureCount + 1 ||
      state.postingWeights.length !== postings ||
      state.offsets[featureCount] !== postings
    ) {
      throw new Error("stored vector space is inconsistent");
    }
    const centroids = new Float64Array(state.labelCount * featureCount);
    for (let i = 0; i + 1 < state.centroids.length; i += 2) centroids[state.centroids[i]!] = state.centroids[i + 1]!;
    return new Space(
      new Map(state.keys.map((key, id) => [key, id])),
      Float64Array.from(state.idf),
      Int32Array.from(state.offsets),
      Int32Array.from(state.postingDocs),
      Float64Array.from(state.postingWeights),
      centroids,
    );
  }

  state(): SpaceState {
    const centroids: number[] = [];
    this.centroids.forEach((value, index) => {
      if (value !== 0) centroids.push(index, value);
    });
    return {
      keys: [...this.ids.keys()],
      idf: [...this.idf],
      offsets: [...this.offsets],
      postingDocs: [...this.postingDocs],
      postingWeights: [...this.postingWeights],
      labelCount: this.featureCount === 0 ? 0 : this.centroids.length / this.featureCount,
      centroids,
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
    const featureCount = this.featureCount;
    for (let label = 0; label < into.length; label++) {
      const base = label * featureCount;
      let dot = 0;
      for (let i = 0; i < query.ids.length; i++) dot += query.weights[i]! * this.centroids[base + query.ids[i]!]!;
      into[label]! += share * dot;
    }
  }
}

/** Smoothed IDF of a feature found in `count` of `docCount` documents. */
export function inverseDocumentFrequency(docCount: number, count: number): number {
  return Math.log(1 + docCount / count);
}

/** Turns `counts` into sublinear TF (1 + log count) times IDF, scaled to unit length, in place. */
export function weighUnitTfIdf(ids: ArrayLike<number>, counts: number[] | Float64Array, idf: Float64Array): void {
  let norm = 0;
  for (let i = 0; i < ids.length; i++) {
    const weight = (1 + Math.log(counts[i]!)) * idf[ids[i]!]!;
    counts[i] = weight;
    norm += weight * weight;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let i = 0; i < counts.length; i++) counts[i]! *= scale;
}
