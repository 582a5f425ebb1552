import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// Executes notebooks through the real Jupyter kernel (nbclient + tslab), as learners' JupyterLab does.
// This is the proof that notebooks can import the library as "vae-lab".
// Async: a synchronous spawn would block vitest's worker for the whole run.
function execute(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string; out: string }> {
  const out = mkdtempSync(join(tmpdir(), "nb-exec-"));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/notebooks-execute.ts", ...args, "--out", out]);
    let stdout = "", stderr = "";
    child.stdout.on("data", (c: Buffer) => void (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => void (stderr += c.toString()));
    child.on("close", (status) => resolve({ status, stdout, stderr, out }));
  });
}

interface Output { output_type: string; text?: string | string[]; data?: Record<string, string | string[]> }
const joined = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join("") : v ?? "");

describe("notebooks through a real Jupyter kernel", () => {
  it("runs 00_setup_check: backend line, TensorFlow.js, a Plotly figure with SVG fallback, KaTeX math", async () => {
    const r = await execute(["notebooks/00_setup_check.ipynb"]);
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
    const r = await execute(["solutions/01_swiss_roll_vae.ipynb"]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const nb = JSON.parse(readFileSync(join(r.out, "01_swiss_roll_vae.ipynb"), "utf8"));
    const outputs: Output[] = nb.cells.filter((c: { cell_type: string }) => c.cell_type === "code").flatMap((c: { outputs: Output[] }) => c.outputs);
    const plain = outputs.map((o) => joined(o.text) + joined(o.data?.["text/plain"])).join("\n");
    expect(plain).toContain("✓ reparameterize passes all");
    expect(plain).toContain("✓ computeVaeLoss passes all");
    expect(plain).toMatch(/training: 1000\/1000 steps \(100%\)/);
    expect(outputs.filter((o) => o.data?.["image/svg+xml"]).length).toBeGreaterThanOrEqual(6);
  });

  it("stops the lesson 1 student form at its first TODO with the clear message", async () => {
    const r = await execute(["notebooks/01_swiss_roll_vae.ipynb", "--expect-error", "not implemented yet: reparameterize"]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/stopped at cell \d+ with the expected error/);
  });

  it("fails, naming the cell and the error, when a notebook cell throws", async () => {
    const r = await execute(["scripts/fixtures/broken.ipynb"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/cell 2 failed:[\s\S]*deliberately broken/);
    expect(r.stdout).toContain("0 passed, 1 failed");
  });

  it("with --expect-error, passes only when execution stops at that error", async () => {
    expect((await execute(["scripts/fixtures/broken.ipynb", "--expect-error", "deliberately broken"])).status).toBe(0);
    expect((await execute(["scripts/fixtures/broken.ipynb", "--expect-error", "something else"])).status).toBe(1);
  });
});
