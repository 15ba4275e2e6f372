/**
 * Which undocumented Railway behaviour the simulator assumes in this test run. vitest.config.ts
 * runs the workflow suites twice: with variable changes deploying (the default, like Railway for
 * service variables) and without (RAILCACHE_SIM_VARIABLE_CHANGES_DEPLOY=false).
 */
import type { WorldSettings } from "../../src/railway/simulator/index.js";

export const simSettings: Partial<WorldSettings> = {
  variableChangesDeploy: process.env.RAILCACHE_SIM_VARIABLE_CHANGES_DEPLOY !== "false",
};
