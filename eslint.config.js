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
    // Core is the platform-free domain: it owns its ports (src/core/ports) and never reaches into
    // an implementation of them, an adapter, the HTTP layer, an entry point or a chat/HTTP/DB SDK.
    // test/core/boundaries.test.ts checks the same from the other side (an allow-list).
    files: ["src/core/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(\\.\\./)+(railway|store|adapters|http|cli|server|runtime|config|metrics|instance-id)(/|\\.js$)",
              message: "core imports only core: use a port in src/core/ports, implemented outside core.",
            },
            {
              regex: "^(@slack/|discord\\.js|pg$|better-sqlite3|graphql|prom-client|ws$|hono|@hono/|node:(http|https|http2|net)$)",
              message: "core stays free of chat, HTTP and database libraries: adapters and src/railway, src/store use them.",
            },
          ],
        },
      ],
    },
  },
  {
    // The CLI, the console chat, benchmarks and scripts print to the terminal by design.
    files: ["src/cli.ts", "src/adapters/cli/**", "src/adapters/console/**", "bench/**", "test/**", "scripts/**"],
    rules: { "no-console": "off" },
  },
);
