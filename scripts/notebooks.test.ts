import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { executeNotebook, joined, rerunCells, type Output } from "./notebookTesting";
import { checkRendering } from "./notebookRendering";
import { expectAllRendered } from "./notebookRenderingExpect";
import { skipWithout } from "../src/testing/guard";
skipWithout(import.meta.url, "jupyter", "chromium");

// Executes notebooks through the real Jupyter kernel (nbclient + tslab), as learners' JupyterLab does.
// This is the proof that notebooks can import the library as "vae-lab".
// Async: a synchronous spawn would block vitest's worker for the whole run.

describe("notebooks through a real Jupyter kernel", () => {
  let executedLesson1: string | undefined;

  it("runs 00_setup_check: backend line, TensorFlow.js, a Plotly figure with SVG fallback, KaTeX math", async () => {
    const r = await executeNotebook(["notebooks/00_setup_check.ipynb"]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("1 passed, 0 failed");
    const nb = JSON.parse(readFileSync(join(r.out, "00_setup_check.ipynb"), "utf8"));
    const outputs: Output[] = nb.cells
      .filter((c: { cell_type: string }) => c.cell_type === "code")
      .flatMap((c: { outputs: Output[] }) => c.outputs);
    const text = outputs.map((o) => joined(o.text)).join("\n");
    expect(text).toMatch(/✓ vae-lab: using (wasm|cpu|node|gpu)/);
    expect(text).toContain("✓ TensorFlow.js: 1 + 2 + 3 = 6");
    const figure = outputs.find((o) => joined(o.data?.["text/html"]).includes('class="vae-lab-plot"'));
    expect(joined(figure?.data?.["text/html"])).toContain('<img class="vae-lab-static" src="data:image/svg+xml,');
    expect(joined(figure?.data?.["text/html"])).toContain("newPlot");
    const math = outputs.find((o) => joined(o.data?.["text/html"]).includes('class="vae-lab-math"'));
    expect(joined(math?.data?.["text/html"])).toContain("<math");
    expect(joined(math?.data?.["text/latex"])).toContain("\\mathcal{N}");
    expect(outputs.some((o) => o.output_type === "error")).toBe(false);
  });

  it("runs the lesson 1 solution top to bottom, then re-runs a plot cell and a math cell: checks pass, the saved notebook is ≤ 2 MB, §10 shows what its text says", async () => {
    const lesson = "solutions/01_swiss_roll_vae.ipynb";
    const r = await executeNotebook([lesson, "--rerun", rerunCells(lesson)]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const file = join(r.out, "01_swiss_roll_vae.ipynb");
    const nb = JSON.parse(readFileSync(file, "utf8"));
    const outputs: Output[] = nb.cells
      .filter((c: { cell_type: string }) => c.cell_type === "code")
      .flatMap((c: { outputs: Output[] }) => c.outputs);
    const plain = outputs
      .map((o) => joined(o.text) + joined(o.data?.["text/plain"]) + joined(o.data?.["text/markdown"]))
      .join("\n");
    expect(plain).toContain("✓ reparameterize passes all");
    expect(plain).toContain("✓ computeVaeLoss passes all");
    expect(plain).toMatch(/training: 1000\/1000 steps \(100%\)/);
    expect(plain).not.toContain("already been trained"); // a first run trains fresh weights
    expect(
      outputs.filter((o) => joined(o.data?.["text/html"]).includes('class="vae-lab-plot"')).length,
    ).toBeGreaterThanOrEqual(6);
    expect(outputs.some((o) => o.output_type === "error")).toBe(false);
    expect(statSync(file).size, "executed lesson 1 (bytes)").toBeLessThanOrEqual(2_000_000);

    // §10: each sentence of the text, checked on the run's own numbers (the table the cell prints).
    const rows = new Map(
      [...plain.matchAll(/^\| (hidden \d+, latentDim \d+[^|]*) \| ([\d.]+) \| ([\d.]+) \| ([\d., ]+) \|$/gm)].map(
        (m) => [m[1].trim(), { sample: Number(m[2]), recon: Number(m[3]), kl: m[4].split(",").map(Number) }],
      ),
    );
    const run = (name: string) => {
      expect(rows.has(name), `§10 table row "${name}" in:\n${[...rows.keys()].join("\n")}`).toBe(true);
      return rows.get(name)!;
    };
    const [h32, h256, l1, l2, l8, ae] = [
      "hidden 32, latentDim 2",
      "hidden 256, latentDim 2",
      "hidden 128, latentDim 1",
      "hidden 128, latentDim 2",
      "hidden 128, latentDim 8",
      "hidden 128, latentDim 2, β = 0 (autoencoder)",
    ].map(run);
    expect(
      h32.sample,
      "hidden 32 is blurred: its samples fall further from the roll than hidden 256's",
    ).toBeGreaterThan(1.2 * h256.sample);
    expect(l1.sample, "a 1-D latent still puts its samples on the roll (the roll spans ~1.8)").toBeLessThan(0.15);
    expect(
      l8.kl.filter((k) => k < 0.05).length,
      `with 8 dimensions most go unused (KL per dimension ${l8.kl})`,
    ).toBeGreaterThanOrEqual(5);
    expect(l8.kl.filter((k) => k > 0.5).length, "and a couple carry the point").toBeGreaterThanOrEqual(1);
    expect(ae.recon, "β = 0 (autoencoder) reconstructs better than the VAE").toBeLessThan(l2.recon);
    expect(ae.sample, "but its prior samples land off the roll").toBeGreaterThan(2 * l2.sample);
    executedLesson1 = file;
  }, 900_000); // ~3 minutes alone on 2 cores (most of it §10's six 2,000-step runs); more while shared

  it("shows every figure and formula of the saved lesson 1 in the classic notebook (trusted and untrusted) and in its HTML export (screenshots in out/screenshots/lesson1/)", async () => {
    expect(executedLesson1, "the execution test above must pass first").toBeDefined();
    const reports = await checkRendering(executedLesson1!, "out/screenshots/lesson1");
    expectAllRendered(reports, { slider: true });
  }, 600_000);

  it("stops the lesson 1 student form at its first TODO with the clear message", async () => {
    const r = await executeNotebook([
      "notebooks/01_swiss_roll_vae.ipynb",
      "--expect-error",
      "not implemented yet: reparameterize",
    ]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/stopped at cell \d+ with the expected error/);
  });

  it("after a failed redefinition, check() says the cell did not run instead of testing the previous version", async () => {
    const r = await executeNotebook(["scripts/fixtures/stale-definition.ipynb", "--allow-errors"]);
    expect(r.stdout).toMatch(/cell 4 failed:/); // the edit with a type error, and nothing else
    expect(r.stdout).not.toMatch(/cell [^4] failed/);
    const nb = JSON.parse(readFileSync(join(r.out, "stale-definition.ipynb"), "utf8"));
    const shown = nb.cells
      .filter((c: { cell_type: string }) => c.cell_type === "code")
      .map((c: { outputs: Output[] }) =>
        c.outputs.map((o) => joined(o.data?.["text/plain"]) + joined(o.text)).join(""),
      );
    expect(shown[2]).toContain("✓ reparameterize passes all");
    expect(shown[4]).toContain("The cell that defines reparameterize did not run");
    expect(shown[4]).not.toContain("passes all");
  }, 300_000);

  it("fails, naming the cell and the error, when a notebook cell throws", async () => {
    const r = await executeNotebook(["scripts/fixtures/broken.ipynb"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/cell 2 failed:[\s\S]*deliberately broken/);
    expect(r.stdout).toContain("0 passed, 1 failed");
  });

  it("with --expect-error, passes only when execution stops at that error", async () => {
    expect(
      (await executeNotebook(["scripts/fixtures/broken.ipynb", "--expect-error", "deliberately broken"])).status,
    ).toBe(0);
    expect((await executeNotebook(["scripts/fixtures/broken.ipynb", "--expect-error", "something else"])).status).toBe(
      1,
    );
  });
});
