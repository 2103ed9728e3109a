import { defineConfig } from "vitest/config";

// Deno and Bun suites run on their own runtimes (scripts/test.mjs); vitest takes the Node ones.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/deno/**", "test/bun/**", "node_modules/**"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
