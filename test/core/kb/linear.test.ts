import { describe, expect, it } from "vitest";
import { LinearModel, joinRows } from "../../../src/core/kb/linear.js";
import type { LinearState } from "../../../src/core/kb/linear.js";
import { decodeModel, encodeModel } from "../../../src/core/kb/model-file.js";
import type { QueryVector } from "../../../src/core/kb/space.js";

interface TrainingRow {
  vector: QueryVector;
  label: number;
}

/** The model trained on every row, through the matrix a router build makes (`reference` as in LinearModel.fit). */
function train(rows: TrainingRow[], labelCount: number, featureCount: number, reference?: (label: number) => boolean): LinearModel {
  const offsets = new Int32Array(rows.length + 1);
  rows.forEach((row, r) => (offsets[r + 1] = offsets[r]! + row.vector.ids.length));
  const part = {
    rows: { offsets, ids: Int32Array.from(rows.flatMap((row) => row.vector.ids)), values: Float64Array.from(rows.flatMap((row) => row.vector.weights)) },
    base: 0,
    scale: new Float64Array(rows.length).fill(1),
  };
  const matrix = joinRows(
    [part],
    Int32Array.from(rows, (row) => row.label),
  );
  return LinearModel.fit(
    matrix,
    Array.from(rows, (_, i) => i),
    labelCount,
    featureCount,
    reference,
  );
}

// Feature 0 is shared by both labels (like "cache" in two close runbook sections); feature 1
// only comes with label 0 and feature 2 only with label 1: the words that tell them apart.
const ROWS: TrainingRow[] = [
  ...Array.from({ length: 8 }, () => ({ vector: { ids: [0, 1], weights: [0.8, 0.6] }, label: 0 })),
  ...Array.from({ length: 8 }, () => ({ vector: { ids: [0, 2], weights: [0.8, 0.6] }, label: 1 })),
  ...Array.from({ length: 4 }, () => ({ vector: { ids: [3], weights: [1] }, label: 2 })),
];

describe("linear model", () => {
  it("learns the words that tell two labels apart, not the word they share", () => {
    const model = train(ROWS, 3, 4);
    const first = model.probabilities({ ids: [0, 1], weights: [0.8, 0.6] });
    const second = model.probabilities({ ids: [0, 2], weights: [0.8, 0.6] });
    expect(first[0]).toBeGreaterThan(0.6);
    expect(second[1]).toBeGreaterThan(0.6);
    // The shared word alone does not decide between the two.
    const shared = model.probabilities({ ids: [0], weights: [1] });
    expect(Math.abs(shared[0]! - shared[1]!)).toBeLessThan(0.2);
  });

  it("gives the same weights for the same rows, and the same answers once stored and restored", () => {
    const model = train(ROWS, 3, 4);
    expect(train(ROWS, 3, 4).state()).toEqual(model.state());
    const restored = LinearModel.restore(decodeModel(encodeModel(model.state())) as LinearState);
    for (const ids of [[0], [1], [0, 2], [3]]) {
      const vector = { ids, weights: ids.map(() => 1 / Math.sqrt(ids.length)) };
      expect([...restored.probabilities(vector)]).toEqual([...model.probabilities(vector)]);
    }
  });

  it("learns a label with one row beside labels with many (a team section that is a heading and a paragraph)", () => {
    const rows: TrainingRow[] = [
      ...Array.from({ length: 60 }, () => ({ vector: { ids: [0, 1], weights: [0.8, 0.6] }, label: 0 })),
      ...Array.from({ length: 60 }, () => ({ vector: { ids: [0, 2], weights: [0.8, 0.6] }, label: 1 })),
      { vector: { ids: [0, 3], weights: [0.8, 0.6] }, label: 2 },
    ];
    // Labels 0 and 1 are the reference (the router's built-in sections): label 2 is raised to their prior.
    const model = train(rows, 3, 4, (label) => label < 2);
    const probabilities = model.probabilities({ ids: [0, 3], weights: [0.8, 0.6] });
    expect(probabilities[2]).toBeGreaterThan(0.5);
    // Without the raise, one row among 120 is not learned.
    expect(train(rows, 3, 4).probabilities({ ids: [0, 3], weights: [0.8, 0.6] })[2]).toBeLessThan(0.5);
  });

  it("refuses a stored model whose weights do not fit its sizes", () => {
    const state = train(ROWS, 3, 4).state();
    expect(() => LinearModel.restore({ ...state, featureCount: 5 })).toThrow(/inconsistent/);
    expect(() => LinearModel.restore({ ...state, bias: [0] })).toThrow(/inconsistent/);
  });
});
