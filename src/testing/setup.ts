/**
 * Test setup: every test file runs on one backend (VAE_LAB_BACKEND, default wasm) and fails on
 * console noise — a stray tfjs banner or a forgotten console.log is a defect, not decoration.
 */
import { afterEach, beforeAll, vi } from "vitest";
import { initBackend } from "../engine/backend";

const noisy: string[] = [];

// At module level, not in beforeAll: describe() bodies run at collection time and may create tensors.
if (process.env.VAE_LAB_BACKEND === undefined) process.env.VAE_LAB_BACKEND = "wasm";
await initBackend();

beforeAll(() => {
  for (const method of ["log", "warn", "error", "info"] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      noisy.push(`console.${method}: ${args.map(String).join(" ")}`);
    });
  }
});

afterEach(() => {
  if (noisy.length > 0) {
    const lines = noisy.splice(0);
    throw new Error(`unexpected console output during the test:\n${lines.join("\n")}`);
  }
});
