import { parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { mutationNames, operations, variablesBatchDocument, type OperationName } from "../../src/railway/operations.js";
import { existsSync } from "node:fs";
import { defaultSchemaPath, loadRailwaySchema, sharedSchemaPath } from "../../src/railway/simulator/schema.js";

// The team's reference copy when it is beside the repo (CI), else the vendored one.
const schema = loadRailwaySchema(existsSync(sharedSchemaPath) ? sharedSchemaPath : defaultSchemaPath);

describe("Railway operation documents", () => {
  for (const name of Object.keys(operations) as OperationName[]) {
    it(`${name} validates against Railway's published schema`, () => {
      const document = parse(operations[name]);
      expect(validate(schema, document).map((e) => e.message)).toEqual([]);
    });

    it(`${name} is a single operation named ${name}`, () => {
      const document = parse(operations[name]);
      expect(document.definitions).toHaveLength(1);
      const definition = document.definitions[0];
      expect(definition?.kind === "OperationDefinition" && definition.name?.value).toBe(name);
    });
  }

  it("classifies exactly the mutation documents as mutations", () => {
    const expected = (Object.keys(operations) as OperationName[]).filter((name) => {
      const definition = parse(operations[name]).definitions[0];
      return definition?.kind === "OperationDefinition" && definition.operation === "mutation";
    });
    expect([...mutationNames].sort()).toEqual(expected.sort());
  });

  it("would catch a renamed field: a typo fails validation", () => {
    const broken = operations.Deployment.replace("status", "state");
    expect(validate(schema, parse(broken)).length).toBeGreaterThan(0);
  });
});

describe("the batched variables document (built per call)", () => {
  for (const count of [1, 3]) {
    it(`validates against Railway's schema for ${count} service(s)`, () => {
      expect(validate(schema, parse(variablesBatchDocument(count))).map((e) => e.message)).toEqual([]);
    });
  }
});
