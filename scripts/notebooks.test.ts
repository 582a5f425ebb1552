import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { executeNotebook, joined, type Output } from "./notebookTesting";
import { launchChromium, startNotebookServer } from "./browser";
import { findPython } from "./jupyter";
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
    const outputs: Output[] = nb.cells.filter((c: { cell_type: string }) => c.cell_type === "code").flatMap((c: { outputs: Output[] }) => c.outputs);
    const text = outputs.map((o) => joined(o.text)).join("\n");
    expect(text).toMatch(/✓ vae-lab: using (wasm|cpu|node|gpu)/);
    expect(text).toContain("✓ TensorFlow.js: 1 + 2 + 3 = 6");
    const figure = outputs.find((o) => o.data?.["image/svg+xml"]);
    expect(joined(figure?.data?.["text/html"])).toContain("Plotly.newPlot");
    const math = outputs.find((o) => joined(o.data?.["text/html"]).includes('class="katex"'));
    expect(joined(math?.data?.["text/html"])).toContain("<math");
    expect(outputs.some((o) => o.output_type === "error")).toBe(false);
  });

  it("runs the lesson 1 solution top to bottom with both checks passing", async () => {
    const r = await executeNotebook(["solutions/01_swiss_roll_vae.ipynb"]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const nb = JSON.parse(readFileSync(join(r.out, "01_swiss_roll_vae.ipynb"), "utf8"));
    const outputs: Output[] = nb.cells.filter((c: { cell_type: string }) => c.cell_type === "code").flatMap((c: { outputs: Output[] }) => c.outputs);
    const plain = outputs.map((o) => joined(o.text) + joined(o.data?.["text/plain"])).join("\n");
    expect(plain).toContain("✓ reparameterize passes all");
    expect(plain).toContain("✓ computeVaeLoss passes all");
    expect(plain).toMatch(/training: 1000\/1000 steps \(100%\)/);
    expect(outputs.filter((o) => o.data?.["image/svg+xml"]).length).toBeGreaterThanOrEqual(6);
    executedLesson1 = r.out;
  });

  it("shows the executed lesson 1 in a real browser: Plotly figures drawn, KaTeX rendered (screenshot in out/screenshots/)", async () => {
    expect(executedLesson1, "the execution test above must pass first").toBeDefined();
    const python = findPython(["notebook"]);
    expect(python, "the classic notebook server is missing: apt-get install jupyter-notebook").toBeDefined();
    const server = await startNotebookServer(python!, executedLesson1!, { ...process.env, JUPYTER_PATH: join(process.cwd(), ".cache", "jupyter", "share", "jupyter") });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(server.url("notebooks/01_swiss_roll_vae.ipynb"), { waitUntil: "load" });
      // Plotly marks a div it has drawn with .js-plotly-plot; the static SVG fallback is replaced.
      await page.waitForFunction(() => document.querySelectorAll(".js-plotly-plot .main-svg").length >= 6, undefined, { timeout: 60_000 });
      // The classic notebook typesets markdown math with MathJax, asynchronously: wait for it.
      await page.waitForFunction(() => document.querySelectorAll(".text_cell_render .MathJax, .text_cell_render .MathJax_Display").length >= 20, undefined, { timeout: 60_000 });
      const plots = await page.locator(".js-plotly-plot").count();
      const katex = await page.locator(".output_area .katex").count();
      const slider = await page.locator(".js-plotly-plot .slider-container").count();
      mkdirSync("out/screenshots", { recursive: true });
      await page.screenshot({ path: "out/screenshots/lesson1-top.png" });
      await page.locator(".js-plotly-plot").nth(4).scrollIntoViewIfNeeded();
      await page.screenshot({ path: "out/screenshots/lesson1-slider.png" });
      await page.locator(".output_area .katex").last().scrollIntoViewIfNeeded();
      await page.screenshot({ path: "out/screenshots/lesson1-katex.png" });
      expect(plots).toBeGreaterThanOrEqual(10); // 5 single figures + 5 experiment panels
      expect(slider).toBe(1);
      expect(katex).toBeGreaterThanOrEqual(1);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await server.stop();
    }
  });

  it("stops the lesson 1 student form at its first TODO with the clear message", async () => {
    const r = await executeNotebook(["notebooks/01_swiss_roll_vae.ipynb", "--expect-error", "not implemented yet: reparameterize"]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/stopped at cell \d+ with the expected error/);
  });

  it("fails, naming the cell and the error, when a notebook cell throws", async () => {
    const r = await executeNotebook(["scripts/fixtures/broken.ipynb"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/cell 2 failed:[\s\S]*deliberately broken/);
    expect(r.stdout).toContain("0 passed, 1 failed");
  });

  it("with --expect-error, passes only when execution stops at that error", async () => {
    expect((await executeNotebook(["scripts/fixtures/broken.ipynb", "--expect-error", "deliberately broken"])).status).toBe(0);
    expect((await executeNotebook(["scripts/fixtures/broken.ipynb", "--expect-error", "something else"])).status).toBe(1);
  });
});
