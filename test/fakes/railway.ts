/** The fake Railway for tests: the simulator in src/railway/simulator (it also powers --demo). */
export * from "../../src/railway/simulator/index.js";
