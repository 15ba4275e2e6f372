import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { defaultSchemaPath, sharedSchemaPath } from "../../src/railway/simulator/schema.js";

const shared = existsSync(sharedSchemaPath);
if (!shared) console.warn(`skipping the vendored-schema check: ${sharedSchemaPath} is not beside this checkout`);

describe("vendored Railway schema", () => {
  it.skipIf(!shared)("is identical to the reference copy in ../shared/railway/schema.json", () => {
    expect(readFileSync(defaultSchemaPath, "utf8")).toBe(readFileSync(sharedSchemaPath, "utf8"));
  });
});
