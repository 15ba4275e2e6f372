export * from "./policy.js";
export { OPEN_POLICY_WARNING, PolicyError, isOpenPolicy, loadPolicy, loadPolicyFile, parsePolicy, type PolicySource } from "./load.js";
