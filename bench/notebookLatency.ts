/**
 * Notebook latency through the real kernel (issue 19): what a learner waits for in Jupyter.
 *
 * Starts the vae-lab kernel as Jupyter does (kernelspec of scripts/jupyter.ts, through jupyter_client:
 * bench/notebook_latency.py), and times until it answers kernel_info (start-up), lesson 2's import
 * cell (`import … from "vae-lab"`, which also loads TensorFlow.js), then trivial cells (`1 + 1`,
 * `const x3 = 3 * 2;`), each from request to idle. Also: the same trivial cells in a kernel that
 * imported nothing (the floor: tslab with @types/node and lib.es2022 only; its first cell is `0`, which
 * waits for the compiler's warm-up like the import cell does, so the trivial cells after it are warm), and tslab as shipped
 * (VAE_LAB_KERNEL_STOCK=1, scripts/kernel.mjs) with the imports, to show what the lean builder cuts.
 *
 *   npx tsx bench/notebookLatency.ts [--cells 20] [--runs 2]      (or npm run bench -- --notebook)
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { detectPart, installCommand } from "../src/testing/systemParts";
import { buildLibrary, kernelSpec, ROOT } from "../scripts/jupyter";
import { lastJsonLine, median } from "./child";

/** The goals issue 19 sets (seconds). */
export const GOALS = { startup: 1.5, trivialCellMedian: 0.1 };

export interface KernelLatency {
  id: "vae-lab" | "vae-lab-idle" | "no-import" | "stock";
  title: string;
  /** Until the kernel answered kernel_info, median over runs. */
  startupSeconds: number;
  /** What the first cell is: lesson 2's imports, or `0` (the floor). */
  firstCell: "imports" | "0";
  /** The first cell, run at once after start-up (as "Run All" does), median over runs. */
  firstCellSeconds: number;
  /** Start-up plus the first cell: until the notebook's first answer (NaN for "… once idle", which waits between). */
  firstAnswerSeconds: number;
  /** Every trivial cell of every run. */
  trivialSeconds: { median: number; p90: number; n: number };
  /** The kernel process's CPU seconds (medians over runs; Linux only): until ready, the import cell, per trivial cell. */
  cpu: { startupSeconds: number; firstCellSeconds: number; trivialPerCellSeconds: number } | null;
  errors: string[];
}

export interface NotebookLatency {
  /** Why nothing was measured ("Jupyter not installed — …"), else absent. */
  skipped?: string;
  importCell?: string;
  runs?: number;
  kernels: KernelLatency[];
}

const CONFIGS: {
  id: KernelLatency["id"];
  title: string;
  firstCell: KernelLatency["firstCell"];
  stock: boolean;
  idleFirst?: boolean;
}[] = [
  { id: "vae-lab", title: "vae-lab kernel", firstCell: "imports", stock: false },
  { id: "vae-lab-idle", title: "… once idle", firstCell: "imports", stock: false, idleFirst: true },
  { id: "no-import", title: "no vae-lab import", firstCell: "0", stock: false },
  { id: "stock", title: "tslab as shipped", firstCell: "imports", stock: true },
];

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
};

/** The import statements of a notebook's first code cell: what a lesson's first cell compiles and loads. */
export function importCell(notebook: string): string {
  const cells = JSON.parse(readFileSync(notebook, "utf8")).cells as { cell_type: string; source: string | string[] }[];
  const first = cells.find((c) => c.cell_type === "code");
  const src = Array.isArray(first?.source) ? first.source.join("") : (first?.source ?? "");
  const imports = src.match(/^import\b[\s\S]*?\bfrom\s+"[^"]+";/gm);
  if (!imports) throw new Error(`${notebook}: its first code cell has no import statement`);
  return imports.join("\n");
}

/** `n` trivial cells: an expression and a declaration, alternately. */
export const trivialCells = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => (i % 2 === 0 ? "1 + 1" : `const x${i} = ${i} * 2;`));

export async function benchNotebook(
  cells = 20,
  runs = 2,
  log: (s: string) => void = (s) => process.stdout.write(s + "\n"),
  timeoutSeconds = 180,
): Promise<NotebookLatency> {
  const jupyter = detectPart("jupyter");
  if (!jupyter.present) {
    const skipped = `Jupyter not installed — ${installCommand("jupyter")}`;
    log(`Notebook latency: skipped: ${skipped}`);
    return { skipped, kernels: [] };
  }
  buildLibrary(); // notebooks import dist/
  const imports = importCell(join(ROOT, "notebooks", "02_mnist_vae.ipynb"));
  const prefix = mkdtempSync(join(tmpdir(), "vae-lab-bench-nb-"));
  const jupyterPath = join(prefix, "share", "jupyter");
  try {
    for (const stock of [false, true]) {
      const dir = join(jupyterPath, "kernels", stock ? "vae-lab-stock" : "vae-lab");
      mkdirSync(dir, { recursive: true });
      const spec = { ...kernelSpec(), ...(stock ? { env: { VAE_LAB_KERNEL_STOCK: "1" } } : {}) };
      writeFileSync(join(dir, "kernel.json"), JSON.stringify(spec, null, 1) + "\n");
    }
    const raw = new Map(
      CONFIGS.map((c) => [
        c.id,
        {
          startup: [] as number[],
          setup: [] as number[],
          cells: [] as number[],
          cpu: [] as { startup: number; setup: number; trivial: number }[],
          errors: [] as string[],
        },
      ]),
    );
    // Rounds interleave the kernels, so that a busy minute on a shared machine falls on all of them.
    for (let round = 0; round < runs; round++) {
      for (const c of CONFIGS) {
        const file = join(prefix, `${c.id}.json`);
        writeFileSync(
          file,
          JSON.stringify({
            setup: c.firstCell === "imports" ? imports : "0",
            trivial: trivialCells(cells),
            idle_first: !!c.idleFirst,
            timeout: timeoutSeconds,
          }),
        );
        const r = spawnSync(
          "/usr/bin/python3",
          [
            join(ROOT, "bench", "notebook_latency.py"),
            c.stock ? "vae-lab-stock" : "vae-lab",
            join(ROOT, "notebooks"),
            file,
          ],
          {
            env: { ...process.env, JUPYTER_PATH: jupyterPath },
            encoding: "utf8",
            timeout: (timeoutSeconds * (cells + 2) + 30) * 1000,
          },
        );
        const got = raw.get(c.id)!;
        let m: {
          startup: number;
          setup: number | null;
          cells: number[];
          cpu: { startup: number; setup: number; trivial: number } | null;
          errors: { code: string }[];
        };
        try {
          m = lastJsonLine(r);
        } catch (err) {
          got.errors.push((err as Error).message);
          continue;
        }
        if (m.cpu) got.cpu.push(m.cpu);
        got.startup.push(m.startup);
        if (m.setup !== null) got.setup.push(m.setup);
        got.cells.push(...m.cells);
        got.errors.push(...m.errors.map((e) => `cell failed: ${e.code}`));
      }
    }
    const kernels: KernelLatency[] = CONFIGS.map((c) => {
      const g = raw.get(c.id)!;
      return {
        id: c.id,
        title: c.title,
        startupSeconds: g.startup.length ? median(g.startup) : NaN,
        firstCell: c.firstCell,
        firstCellSeconds: g.setup.length ? median(g.setup) : NaN,
        firstAnswerSeconds:
          !c.idleFirst && g.setup.length === g.startup.length && g.setup.length
            ? median(g.startup.map((t, i) => t + g.setup[i]))
            : NaN,
        trivialSeconds: {
          median: g.cells.length ? median(g.cells) : NaN,
          p90: quantile(g.cells, 0.9),
          n: g.cells.length,
        },
        cpu:
          g.cpu.length > 0
            ? {
                startupSeconds: median(g.cpu.map((u) => u.startup)),
                firstCellSeconds: median(g.cpu.map((u) => u.setup)),
                trivialPerCellSeconds: median(g.cpu.map((u) => u.trivial / cells)),
              }
            : null,
        errors: g.errors,
      };
    });
    log(
      `Notebook latency through Jupyter (lesson 2's import cell, then ${cells} trivial cells; ${runs} run(s); goal: start-up ${GOALS.startup} s, trivial cell ${GOALS.trivialCellMedian} s median):`,
    );
    const s = (v: number | null) => (v === null || Number.isNaN(v) ? "—" : `${v.toFixed(2)} s`);
    const ms = (v: number) => (Number.isNaN(v) ? "—" : `${(v * 1000).toFixed(0)} ms`);
    for (const k of kernels)
      log(
        `  ${k.title.padEnd(18)} start-up ${s(k.startupSeconds).padStart(7)}   ${k.firstCell === "imports" ? "import cell" : "first cell "} ${s(k.firstCellSeconds).padStart(7)} (first answer ${s(k.firstAnswerSeconds).padStart(7)})   trivial cell median ${ms(k.trivialSeconds.median).padStart(6)}, p90 ${ms(k.trivialSeconds.p90).padStart(6)} (${k.trivialSeconds.n} cells)${k.errors.length ? `   errors: ${k.errors.join("; ")}` : ""}`,
      );
    for (const k of kernels)
      if (k.cpu)
        log(
          `  ${k.title.padEnd(18)} kernel CPU: start-up ${s(k.cpu.startupSeconds)}, ${k.firstCell === "imports" ? "import cell" : "first cell"} ${s(k.cpu.firstCellSeconds)}, ${ms(k.cpu.trivialPerCellSeconds)} per trivial cell`,
        );
    log(
      "  (start-up: until the kernel answers kernel_info; the vae-lab kernel warms its compiler after that, so a first cell run at once waits for the warm-up; “… once idle”: the import cell run after the warm-up, as by a learner who reads first (its CPU start-up includes the warm-up); first answer = start-up + first cell; kernel CPU: the kernel process's own CPU time, which other processes disturb least)",
    );
    return { importCell: imports, runs, kernels };
  } finally {
    rmSync(prefix, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith("notebookLatency.ts")) {
  const arg = (name: string, dflt: number) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : dflt;
  };
  benchNotebook(arg("--cells", 20), arg("--runs", 2)).then((r) =>
    process.exit(r.kernels.some((k) => k.errors.length) ? 1 : 0),
  );
}
