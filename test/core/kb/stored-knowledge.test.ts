import { describe, expect, it } from "vitest";
import { loadKnowledgeBase } from "../../../src/core/kb/index.js";
import { decodeModel, encodeModel } from "../../../src/core/kb/model-file.js";
import { restoredKnowledge, storedKnowledge } from "../../../src/core/kb/stored-knowledge.js";

const kb = loadKnowledgeBase();

describe("the knowledge base a stored model keeps", () => {
  it("gives back every section and text through the model file, the texts as bytes outside its JSON part", () => {
    const file = encodeModel({ kb: storedKnowledge(kb) });
    expect(restoredKnowledge((decodeModel(file) as { kb: unknown }).kb)).toEqual(kb);
    // The JSON part (after the 12-byte preamble and the array table) holds no example text.
    const example = kb.sections[0]!.examples[0]!;
    const jsonStart = 12 + Buffer.from(file).readUInt32LE(4);
    const jsonPart = Buffer.from(file).toString("utf8", jsonStart, jsonStart + Buffer.from(file).readUInt32LE(8));
    expect(jsonPart).not.toContain(JSON.stringify(example).slice(1, -1));
    expect(jsonPart).toContain(kb.sections[0]!.title);
  });

  it("keeps its sections when the texts are damaged: none is read as an example, nothing throws", () => {
    const stored = storedKnowledge(kb);
    const damaged = restoredKnowledge({ ...stored, texts: new TextEncoder().encode('{"examples": [["cut short') });
    expect(damaged?.sections.map((s) => s.id)).toEqual(kb.sections.map((s) => s.id));
    expect(damaged?.sections.every((s) => s.examples.length === 0)).toBe(true);
    expect(damaged?.offTopic).toEqual([]);
    // Texts for another number of sections are not this knowledge base's.
    const other = restoredKnowledge({ ...stored, texts: new TextEncoder().encode(JSON.stringify({ examples: [["a"]], offTopic: [], teamMayAnswer: [] })) });
    expect(other?.sections[0]?.examples).toEqual([]);
  });

  it("is not a knowledge base without its texts or with a section that is not one", () => {
    const stored = storedKnowledge(kb);
    expect(restoredKnowledge({ ...stored, texts: "not bytes" })).toBeUndefined();
    expect(restoredKnowledge({ ...stored, sections: [{ id: 3 }] })).toBeUndefined();
    expect(restoredKnowledge(undefined)).toBeUndefined();
  });
});
