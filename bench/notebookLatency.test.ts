import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { skipWithout } from "../src/testing/guard";
import { importCell, type NotebookLatency, trivialCells } from "./notebookLatency";
skipWithout(import.meta.url, "jupyter");

// A smoke run of the bench's notebook part through real Jupyter kernels, not a timing test: it checks
// that every kernel starts, runs lesson 2's import cell and the trivial cells without an error, and
// that the report and the JSON carry the figures.
const dir = mkdtempSync(join(tmpdir(), "vae-lab-bench-nb-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run bench -- --notebook", () => {
  it("times kernel start-up, lesson 2's import cell and trivial cells for the vae-lab kernel (at once and once idle), the no-import floor and tslab as shipped", () => {
    const json = join(dir, "nb.json");
    const r = spawnSync(
      process.execPath,
      ["--import", "tsx", "bench/bench.ts", "--notebook", "--quick", "--json", json],
      {
        encoding: "utf8",
        timeout: 600_000,
      },
    );
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const { notebook } = JSON.parse(readFileSync(json, "utf8")) as { notebook: NotebookLatency };
    expect(notebook.kernels.map((k) => k.id)).toEqual(["vae-lab", "vae-lab-idle", "no-import", "stock"]);
    for (const k of notebook.kernels) {
      expect(k.errors, k.title).toEqual([]);
      expect(k.startupSeconds).toBeGreaterThan(0);
      expect(k.trivialSeconds.n).toBe(6);
      expect(k.trivialSeconds.p90).toBeGreaterThanOrEqual(k.trivialSeconds.median);
      expect(k.firstCellSeconds).toBeGreaterThan(0);
      expect(k.firstCell).toBe(k.id === "no-import" ? "0" : "imports");
    }
    expect(notebook.importCell).toBe(importCell("notebooks/02_mnist_vae.ipynb"));
    expect(r.stdout).toMatch(
      /vae-lab kernel\s+start-up\s+[\d.]+ s\s+import cell\s+[\d.]+ s \(first answer\s+[\d.]+ s\)\s+trivial cell median\s+\d+ ms, p90\s+\d+ ms \(6 cells\)/,
    );
    expect(r.stdout).toMatch(/no vae-lab import\s+start-up\s+[\d.]+ s\s+first cell\s+[\d.]+ s/);
    expect(r.stdout).toMatch(/tslab as shipped\s+start-up/);
  });

  it("compiles lesson 2's imports and alternates expressions and declarations as trivial cells", () => {
    const imports = importCell("notebooks/02_mnist_vae.ipynb");
    expect(imports).toMatch(
      /^import \{ tf, initBackend,[\s\S]*\} from "vae-lab";\nimport type \{[^}]*\} from "vae-lab";$/,
    );
    expect(trivialCells(4)).toEqual(["1 + 1", "const x1 = 1 * 2;", "1 + 1", "const x3 = 3 * 2;"]);
  });
});
