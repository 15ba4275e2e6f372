import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { defaultSchemaPath, sharedSchemaPath } from "../../src/railway/simulator/schema.js";

// The vendored schema/railway.schema.json is what every other test validates against. Where a
// newer copy of Railway's schema is at hand (RAILWAY_REFERENCE_SCHEMA, or the team's shared copy
// beside the checkout), the vendored one must match it; elsewhere there is nothing to compare.
const reference = process.env.RAILWAY_REFERENCE_SCHEMA ?? sharedSchemaPath;
const present = existsSync(reference);

describe("vendored Railway schema", () => {
  it.skipIf(!present)("matches the reference copy of Railway's schema (skipped unless RAILWAY_REFERENCE_SCHEMA names one)", () => {
    expect(readFileSync(defaultSchemaPath, "utf8")).toBe(readFileSync(reference, "utf8"));
  });
});
