import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "coverage/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-console": "error",
    },
  },
  {
    // The CLI, the console chat, benchmarks and scripts print to the terminal by design.
    files: ["src/cli.ts", "src/cli/**", "src/adapters/console/**", "bench/**", "test/**", "scripts/**"],
    rules: { "no-console": "off" },
  },
);
