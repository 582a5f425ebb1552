/**
 * Shared by the tests that execute notebooks through a real Jupyter kernel: run
 * scripts/notebooks-execute.ts in a child process (async, so vitest's worker is not blocked for the
 * whole run) and read the executed notebook's outputs.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { transformSync } from "esbuild";

export interface ExecuteResult {
  status: number | null;
  stdout: string;
  stderr: string;
  /** The folder the executed copy was written to. */
  out: string;
}

/** `npm run notebooks:execute -- <args>` into a fresh temporary folder; `env` adds to this process's environment. */
export function executeNotebook(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ExecuteResult> {
  const out = mkdtempSync(join(tmpdir(), "nb-exec-"));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/notebooks-execute.ts", ...args, "--out", out], {
      env: { ...process.env, ...env },
    });
    let stdout = "",
      stderr = "";
    child.stdout.on("data", (c: Buffer) => void (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => void (stderr += c.toString()));
    child.on("close", (status) => resolve({ status, stdout, stderr, out }));
  });
}

export interface Output {
  output_type: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
}

/** nbformat stores text as a string or a list of lines. */
export const joined = (v: string | string[] | undefined): string => (Array.isArray(v) ? v.join("") : (v ?? ""));

/**
 * `--rerun` for a lesson: its first plot cell and its last math cell (1-based among code cells),
 * run once more at the end, as a learner re-running them does.
 */
export function rerunCells(notebook: string): string {
  const code = (JSON.parse(readFileSync(notebook, "utf8")).cells as { cell_type: string; source: string | string[] }[])
    .filter((c) => c.cell_type === "code")
    .map((c) => joined(c.source));
  const plot = code.findIndex((s) => /\bshowPlot\(/.test(s)) + 1;
  const math = code.length - [...code].reverse().findIndex((s) => /\bshowMath\(/.test(s));
  if (plot === 0 || math > code.length) throw new Error(`${notebook}: no showPlot or showMath cell to re-run`);
  return `${plot},${math}`;
}

export interface NotebookCell {
  cell_type: string;
  source: string | string[];
  metadata: { nbgrader?: { grade_id?: string; points?: number } };
  outputs?: Output[];
}

/** The cells of a notebook file. */
export const notebookCells = (path: string): NotebookCell[] => JSON.parse(readFileSync(path, "utf8")).cells;

/**
 * The function defined in the cell with nbgrader grade_id `id`, compiled and loaded as learners' code
 * would be, with `globals` (e.g. tf, NotImplementedError) in scope.
 */
export function exerciseFunction(path: string, id: string, globals: Record<string, unknown>): unknown {
  const cell = notebookCells(path).find((c) => c.metadata.nbgrader?.grade_id === id);
  if (!cell) throw new Error(`${path}: no cell with grade_id "${id}"`);
  const js = transformSync(joined(cell.source), { loader: "ts", format: "cjs" }).code;
  return new Function(...Object.keys(globals), `${js}\nreturn ${id};`)(...Object.values(globals));
}

/** Figures worth keeping (run times, decode times) go to `<dir>/measurements.json`: tests must not print. */
export function recordMeasurement(dir: string, key: string, value: unknown): void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "measurements.json");
  const all = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  writeFileSync(file, JSON.stringify({ ...all, [key]: value, date: new Date().toISOString() }, null, 1) + "\n");
}
