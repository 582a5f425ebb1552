import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "src/**/*.test.ts",
      "cli/**/*.test.ts",
      "exercises/**/*.test.ts",
      "grading/**/*.test.ts",
      "scripts/**/*.test.ts",
      "bench/**/*.test.ts",
    ],
    // Fixtures that src/testing/guard.test.ts runs with their own config.
    exclude: [...configDefaults.exclude, "src/testing/fixtures/**"],
    // tfjs + WASM start-up and the short training runs need more than the 5 s default.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores: run test files in parallel forks, each with its own tfjs state.
    pool: "forks",
    setupFiles: ["src/testing/setup.ts"],
    // A test file that needs a missing system part (src/testing/guard.ts) is skipped as a whole and
    // listed, with the install command, at the end of the run; under CI=true it fails instead.
    runner: "src/testing/runner.ts",
    reporters: ["default", "src/testing/skipReporter.ts"],
  },
});
