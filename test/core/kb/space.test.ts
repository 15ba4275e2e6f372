import { describe, expect, it } from "vitest";
import { decodeModel, encodeModel } from "../../../src/core/kb/model-file.js";
import { Space, rowVector } from "../../../src/core/kb/space.js";
import type { DocVector, SpaceState } from "../../../src/core/kb/space.js";

// Four labels over words most documents of a label share; label 3 has no document at all (a
// label another space's documents have), so its centroid is all zeros.
const DOCS: [string, number][] = [
  ["clear build cache railway", 0],
  ["clear cache dashboard button", 0],
  ["cache cleared dashboard settings", 0],
  ["pip install requirements cached layer", 1],
  ["requirements txt pip cached wheel", 1],
  ["migrations django database deploy", 2],
  ["django migrate release command deploy", 2],
  ["database migrations pending deploy railway", 2],
];
const LABELS = 4;

function counts(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const word of text.split(" ")) out.set(word, (out.get(word) ?? 0) + 1);
  return out;
}

function build() {
  return Space.build(
    DOCS.map(([text]) => counts(text)),
    DOCS.map(([, label]) => label),
    LABELS,
  );
}

/** share x cosine with each label's centroid, the way dense centroids (label x feature) gave it. */
function denseCentroidScores(rows: ReturnType<typeof build>["rows"], featureCount: number, query: DocVector, share: number): Float64Array {
  const centroids = new Float64Array(LABELS * featureCount);
  DOCS.forEach(([, label], d) => {
    const doc = rowVector(rows, d);
    for (let i = 0; i < doc.ids.length; i++) centroids[label * featureCount + doc.ids[i]!]! += doc.weights[i]!;
  });
  for (let label = 0; label < LABELS; label++) {
    const row = centroids.subarray(label * featureCount, (label + 1) * featureCount);
    let norm = 0;
    for (const value of row) norm += value * value;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let f = 0; f < row.length; f++) row[f]! *= scale;
  }
  const out = new Float64Array(LABELS);
  for (let label = 0; label < LABELS; label++) {
    let dot = 0;
    for (let i = 0; i < query.ids.length; i++) dot += query.weights[i]! * centroids[label * featureCount + query.ids[i]!]!;
    out[label]! += share * dot;
  }
  return out;
}

const QUERIES = [
  "clear the build cache",
  "pip requirements cached",
  "django migrations deploy railway",
  "cache deploy railway django pip",
  "nothing known here",
];

describe("vector space", () => {
  it("scores label centroids exactly as dense centroids did", () => {
    const { space, rows } = build();
    for (const text of QUERIES) {
      const query = space.vector(counts(text));
      const got = new Float64Array(LABELS);
      space.accumulateCentroids(query, 0.75, got);
      const want = denseCentroidScores(rows, space.size, query, 0.75);
      // Bit for bit: answers must not move by a rounding.
      expect([...got]).toEqual([...want]);
    }
    const mixed = space.vector(counts("cache deploy railway django pip"));
    const scores = new Float64Array(LABELS);
    space.accumulateCentroids(mixed, 1, scores);
    expect(scores.filter((s) => s > 0)).toHaveLength(3);
    expect(scores[3]).toBe(0);
  });

  it("stores its centroids as the non-zero cells of each feature (labels ascending), and restores the same scores", () => {
    const { space } = build();
    const state = space.state();
    expect(state.labelCount).toBe(LABELS);
    const { centroidOffsets: offsets, centroidLabels: labels, centroidValues: values } = state;
    expect(offsets).toHaveLength(state.keys.length + 1);
    expect(offsets[offsets.length - 1]).toBe(labels.length);
    for (let f = 0; f + 1 < offsets.length; f++) {
      const column = [...labels.subarray(offsets[f]!, offsets[f + 1]!)];
      expect(column).toEqual([...new Set(column)].sort((a, b) => a - b));
    }
    expect(values).toHaveLength(labels.length);
    expect(values.length).toBeGreaterThan(0);
    expect(values.every((value) => value > 0)).toBe(true);
    const restored = Space.restore(decodeModel(encodeModel(state)) as SpaceState);
    expect(restored.state()).toEqual(state);
    for (const text of QUERIES) {
      const a = new Float64Array(LABELS);
      const b = new Float64Array(LABELS);
      space.accumulateCentroids(space.vector(counts(text)), 0.5, a);
      restored.accumulateCentroids(restored.vector(counts(text)), 0.5, b);
      expect([...b]).toEqual([...a]);
    }
  });

  it("refuses stored centroids with a label outside the labels, out of order, or offsets that do not add up", () => {
    const state = build().space.state();
    const labels = (change: (labels: Int32Array) => void) => {
      const copy = Int32Array.from(state.centroidLabels);
      change(copy);
      return { ...state, centroidLabels: copy };
    };
    expect(() => Space.restore(labels((l) => (l[0] = state.labelCount)))).toThrow(/inconsistent/);
    expect(() => Space.restore(labels((l) => (l[0] = -1)))).toThrow(/inconsistent/);
    // A feature's column with its labels the other way round.
    const column = [...state.centroidOffsets].findIndex((at, f) => state.centroidOffsets[f + 1]! - at >= 2);
    const from = state.centroidOffsets[column]!;
    expect(() => Space.restore(labels((l) => l.subarray(from, from + 2).reverse()))).toThrow(/inconsistent/);
    const offsets = Int32Array.from(state.centroidOffsets);
    offsets[offsets.length - 1]! -= 1;
    expect(() => Space.restore({ ...state, centroidOffsets: offsets })).toThrow(/inconsistent/);
  });

  it("refuses a stored array of the wrong length or kind", () => {
    const state = build().space.state();
    expect(() => Space.restore({ ...state, idf: state.idf.subarray(1) })).toThrow(/wrong length/);
    expect(() => Space.restore({ ...state, postingWeights: Float64Array.of(1) })).toThrow(/wrong length/);
    expect(() => Space.restore({ ...state, offsets: [1, 2, 3] as unknown as Int32Array })).toThrow(/wrong kind/);
    expect(() => Space.restore({ ...state, idf: Float32Array.from(state.idf) as unknown as Float64Array })).toThrow(/wrong kind/);
  });
});
