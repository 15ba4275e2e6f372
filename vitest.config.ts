import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Child-process and server tests share ports and files: keep parallelism modest on 2 cores.
    maxWorkers: 2,
  },
});
