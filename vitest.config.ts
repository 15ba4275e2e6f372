import { defineConfig } from "vitest/config";

/** The suites that drive a clear against the simulator: run again under the other Railway guess. */
const workflowSuites = ["test/core/workflow/**/*.test.ts", "test/reliability/faults.test.ts", "test/reliability/fuzz.test.ts"];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Child-process and server tests share ports and files: keep parallelism modest on 2 cores.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: "default", include: ["test/**/*.test.ts"] } },
      {
        extends: true,
        // Railway does not document whether variableDelete deploys: the simulator's default says it
        // does; this run makes the opposite guess (test/support/sim-settings.ts).
        test: { name: "variables-do-not-deploy", include: workflowSuites, env: { RAILCACHE_SIM_VARIABLE_CHANGES_DEPLOY: "false" } },
      },
    ],
  },
});
