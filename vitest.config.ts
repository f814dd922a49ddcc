import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Tests that spawn daemons and git processes take seconds; a bound still catches a hang.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
