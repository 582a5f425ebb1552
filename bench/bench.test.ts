import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { BenchRecord } from "./bench";
import type { NotebookLatency } from "./notebookLatency";
import { skipWithout } from "../src/testing/guard";
skipWithout(import.meta.url, "openblas");

// A smoke run of `npm run bench` (its --quick mode: one short run), not a timing test: it checks the
// conv VAE's workload exists, runs on the native path, and is reported with its time per step and,
// where PyTorch is installed (python3-torch), PyTorch's time and the ratio.
const dir = mkdtempSync(join(tmpdir(), "vae-lab-bench-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bench = (...args: string[]) => benchWith({}, ...args);
const benchWith = (env: NodeJS.ProcessEnv, ...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "bench/bench.ts", ...args], {
    encoding: "utf8",
    timeout: 600_000,
    env: { ...process.env, VAE_LAB_BACKEND: "", ...env },
  });

describe("npm run bench", () => {
  it("conv-mnist runs on the native path and reports ms per step, s per epoch and the ratio to PyTorch", () => {
    const json = join(dir, "conv.json");
    const r = bench(
      "--workloads",
      "conv-mnist",
      "--quick",
      "--backends",
      "wasm+native",
      "--no-grade",
      "--no-notebook",
      "--json",
      json,
    );
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(readFileSync(json, "utf8")) as { torch: string | null; records: BenchRecord[] };
    const rec = out.records.find((x) => x.workload === "conv-mnist" && x.backend === "wasm+native");
    expect(rec?.error).toBeUndefined();
    expect(rec!.secondsPerStep).toBeGreaterThan(0);
    expect(rec!.path).toMatch(/native BLAS/);
    expect(r.stdout).toMatch(/Conv VAE, MNIST\s+wasm\+native\s+[\d.]+ s\/epoch, [\d.]+ ms\/step/);
    if (out.torch) {
      expect(rec!.pytorch!.secondsPerStep).toBeGreaterThan(0);
      expect(rec!.ratio).toBeCloseTo(rec!.secondsPerStep / rec!.pytorch!.secondsPerStep, 10);
      expect(r.stdout).toMatch(/ours\/PyTorch [\d.]+×/);
    } else {
      expect(rec!.ratio).toBeUndefined();
      expect(r.stdout).toMatch(/PyTorch: not installed/);
    }
  });

  it("says the notebook latency part was skipped, and how to install Jupyter, where jupyter_client is missing", () => {
    const json = join(dir, "no-jupyter.json");
    const r = benchWith({ VAE_LAB_HIDE_PARTS: "jupyter" }, "--notebook", "--quick", "--json", json);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /Notebook latency: skipped: Jupyter not installed — sudo apt-get install .*jupyter-client/,
    );
    const out = JSON.parse(readFileSync(json, "utf8")) as { notebook: NotebookLatency };
    expect(out.notebook).toEqual({ skipped: expect.stringMatching(/^Jupyter not installed — /), kernels: [] });
  });

  it("names conv-mnist among the workloads when given an unknown one", () => {
    const r = bench("--workloads", "conv-nope", "--no-pytorch", "--no-grade", "--no-notebook");
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/unknown workload "conv-nope"\. Known: .*conv-mnist/);
  });
});
