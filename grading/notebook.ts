/**
 * Intake of a submission: copy it once into grader-owned storage (hashing as it copies, stopping at
 * the size cap before anything is parsed), then parse the stored copy — never the original, which
 * its owner could change while we grade. A notebook that is not JSON, has no cells, or is too big
 * gets a clear reason instead of a crash.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

export interface Cell {
  cellType: string;
  source: string;
  /** nbgrader's grade_id, if the cell carries one (a locator only: submissions' metadata is not trusted). */
  gradeId?: string;
  index: number;
}

export interface Notebook {
  cells: Cell[];
  kernelName?: string;
  language?: string;
}

export interface Intake {
  /** The original path, as given. */
  source: string;
  /** The grader's own copy. */
  stored?: string;
  sha256?: string;
  bytes: number;
  notebook?: Notebook;
  /** Why the notebook could not be read at all. */
  problem?: string;
}

export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;

/** Copies `file` into `storeDir` (named by its hash), at most `maxBytes`, and parses the copy. */
export function intake(file: string, storeDir: string, maxBytes = DEFAULT_MAX_BYTES): Intake {
  const hash = createHash("sha256");
  fs.mkdirSync(storeDir, { recursive: true });
  const tmp = path.join(storeDir, `.incoming-${process.pid}-${Math.random().toString(36).slice(2)}`);
  let bytes = 0, ok = false;
  let fd: number | undefined, out: number | undefined;
  try {
    fd = fs.openSync(file, "r");
    if (!fs.fstatSync(fd).isFile()) return { source: file, bytes: 0, problem: "it is not a regular file." };
    out = fs.openSync(tmp, "wx", 0o600);
    const buf = Buffer.alloc(1 << 16);
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      bytes += n;
      if (bytes > maxBytes) {
        return { source: file, bytes, problem: `the notebook is larger than the ${(maxBytes / 1048576).toFixed(0)} MB limit. Clear its outputs (Edit → Clear All Outputs), save, and submit again.` };
      }
      hash.update(buf.subarray(0, n));
      fs.writeSync(out, buf, 0, n);
    }
    ok = true;
  } catch (e) {
    return { source: file, bytes, problem: `it could not be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).` };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
    if (out !== undefined) fs.closeSync(out);
    if (!ok) fs.rmSync(tmp, { force: true });
  }
  const sha256 = hash.digest("hex");
  const stored = path.join(storeDir, `${sha256}.ipynb`);
  fs.renameSync(tmp, stored);
  const parsed = parseNotebook(fs.readFileSync(stored, "utf8"));
  return { source: file, stored, sha256, bytes, ...parsed };
}

const text = (s: unknown): string | undefined => (typeof s === "string" ? s : Array.isArray(s) && s.every((x) => typeof x === "string") ? s.join("") : undefined);

/** The cells of a notebook's JSON, or the problem that stops us reading it. */
export function parseNotebook(json: string): { notebook?: Notebook; problem?: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    return { problem: `it is not a valid notebook file (not JSON: ${(e as Error).message}). Download it again from Jupyter with File → Download.` };
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return { problem: "it is not a notebook (the JSON is not an object with cells)." };
  const r = raw as Record<string, unknown>;
  if (!Array.isArray(r.cells)) return { problem: "it is not a notebook: it has no list of cells." };
  if (r.cells.length === 0) return { problem: "the notebook has no cells." };
  const cells: Cell[] = [];
  r.cells.forEach((c: unknown, index) => {
    if (c === null || typeof c !== "object") return;
    const cell = c as Record<string, unknown>;
    const source = text(cell.source);
    if (source === undefined) return;
    const md = cell.metadata && typeof cell.metadata === "object" ? (cell.metadata as Record<string, unknown>) : {};
    const nb = md.nbgrader && typeof md.nbgrader === "object" ? (md.nbgrader as Record<string, unknown>) : {};
    const gradeId = typeof nb.grade_id === "string" ? nb.grade_id : undefined;
    cells.push({ cellType: typeof cell.cell_type === "string" ? cell.cell_type : "unknown", source, index, ...(gradeId !== undefined ? { gradeId } : {}) });
  });
  const meta = r.metadata && typeof r.metadata === "object" ? (r.metadata as Record<string, Record<string, unknown> | undefined>) : {};
  const kernelName = typeof meta.kernelspec?.name === "string" ? meta.kernelspec.name : undefined;
  const language = typeof meta.kernelspec?.language === "string" ? meta.kernelspec.language : typeof meta.language_info?.name === "string" ? meta.language_info.name : undefined;
  return { notebook: { cells, ...(kernelName !== undefined ? { kernelName } : {}), ...(language !== undefined ? { language } : {}) } };
}
