export * from "./policy.js";
export { OPEN_POLICY_WARNING, PolicyError, isOpenPolicy, loadPolicy, loadPolicyFile, parsePolicy, parseDuration, type PolicySource } from "./load.js";
export { examplePolicyToml } from "./example.js";
