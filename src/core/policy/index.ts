export * from "./policy.js";
export { PolicyError, loadPolicyFile, parsePolicy, parseDuration } from "./load.js";
export { examplePolicyToml } from "./example.js";
