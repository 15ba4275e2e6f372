import { parsePolicy, PolicyError } from "../../../src/core/policy/index.js";

/** The problems a policy text is refused with; fails the test if it is accepted. */
export function problemsOf(text: string): string[] {
  try {
    parsePolicy(text);
  } catch (error) {
    if (error instanceof PolicyError) return error.problems;
    throw error;
  }
  throw new Error("expected a PolicyError");
}
