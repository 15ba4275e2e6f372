import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeModel, encodeModel } from "../../../src/core/kb/model-file.js";

const value = {
  format: "test/1",
  kb: { title: "Fix 1 — rebuild “once”", examples: ["ça marche", "日本語"] },
  words: [["cache", 3]],
  space: { idf: Float64Array.of(0.5, 1.25, -3), offsets: Int32Array.of(0, 2, 5), nested: [{ weights: Float32Array.of(0.1, 0.2, 0.3) }] },
  empty: new Float64Array(0),
  texts: Uint8Array.of(0, 7, 255),
};

/** A file laid out by hand (see model-file.ts), with 8 zero bytes of data. */
function crafted(table: unknown, json: string): Buffer {
  const head = Buffer.concat([Buffer.from(JSON.stringify(table)), Buffer.from(json)]);
  const preamble = Buffer.alloc(12);
  preamble.write("RCAM", 0, "latin1");
  preamble.writeUInt32LE(Buffer.byteLength(JSON.stringify(table)), 4);
  preamble.writeUInt32LE(Buffer.byteLength(json), 8);
  const start = Math.ceil((12 + head.length) / 8) * 8;
  return Buffer.concat([preamble, head, Buffer.alloc(start - 12 - head.length + 8)]);
}

describe("the stored model file", () => {
  it("gives back the value with its typed arrays, of the same kinds and values, on 8-byte boundaries", () => {
    const file = encodeModel(value);
    const back = decodeModel(file) as typeof value;
    expect(back).toEqual(value);
    expect(back.space.idf).toBeInstanceOf(Float64Array);
    expect(back.space.offsets).toBeInstanceOf(Int32Array);
    expect(back.space.nested[0]!.weights).toBeInstanceOf(Float32Array);
    expect(back.texts).toBeInstanceOf(Uint8Array);
    expect(back.space.idf.byteOffset % 8).toBe(0);
    // The arrays are bytes after the JSON part, not numbers in it.
    expect(Buffer.from(file).toString("latin1")).not.toContain("1.25");
  });

  it("reads a file that starts at an odd place in memory (a pooled buffer)", () => {
    const file = encodeModel(value);
    const shifted = new Uint8Array(file.length + 3);
    shifted.set(file, 3);
    expect(decodeModel(shifted.subarray(3))).toEqual(value);
  });

  it("refuses what is not a whole model file: another format, a cut, a bad array entry", () => {
    const file = Buffer.from(encodeModel(value));
    expect(() => decodeModel(Buffer.from('{"format": "railcache-answer-model/8"}'))).toThrow(/not a stored answer model/);
    expect(() => decodeModel(file.subarray(0, file.length - 8))).toThrow(/cut short/);
    expect(() => decodeModel(file.subarray(0, 20))).toThrow(/cut short/);
    for (const kind of ["f99", "toString", "constructor"]) {
      expect(() => decodeModel(crafted([{ kind, offset: 0, length: 1 }], '{"a":{"$array":0}}')), kind).toThrow(/bad array entry/);
    }
    expect(() => decodeModel(crafted([{ kind: "f64", offset: 3, length: 1 }], "{}"))).toThrow(/bad array entry/);
    expect(() => decodeModel(crafted([{ kind: "f64", offset: 0, length: 1 }], '{"a":{"$array":"length"}}'))).toThrow(/does not hold/);
    expect(decodeModel(crafted([{ kind: "f64", offset: 0, length: 1 }], '{"a":{"$array":0}}'))).toEqual({ a: Float64Array.of(0) });
    expect(() => encodeModel({ a: { $array: 0 } })).toThrow(/\$array/);
  });

  it("gives back any JSON value with typed arrays in it (property)", () => {
    const arrays = fc.oneof(
      fc.float64Array({ noDefaultInfinity: true, noNaN: true }),
      fc.float32Array({ noDefaultInfinity: true, noNaN: true }),
      fc.int32Array(),
    );
    const tree = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: "small" },
        fc.string(),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        arrays,
        fc.array(tie("node"), { maxLength: 4 }),
        fc.dictionary(
          fc.string().filter((key) => key !== "$array"),
          tie("node"),
          { maxKeys: 4 },
        ),
      ),
    })).node;
    fc.assert(
      fc.property(tree, (v) => {
        expect(decodeModel(encodeModel(v))).toEqual(v);
      }),
    );
  });

  it("keeps a key named __proto__ an own property when an array is put in it, never the object's prototype", () => {
    const value: Record<string, unknown> = JSON.parse('{"__proto__": null, "plain": 1}') as Record<string, unknown>;
    Object.defineProperty(value, "__proto__", { value: Float64Array.of(1.5), enumerable: true, writable: true, configurable: true });
    const decoded = decodeModel(encodeModel(value)) as Record<string, unknown>;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(decoded, "__proto__")?.value).toEqual(Float64Array.of(1.5));
    expect(decoded.plain).toBe(1);
  });
});
