/**
 * Intake of a submission: read it once, streaming, into grader-owned storage — hashing the bytes as
 * they come and discarding every cell's `outputs` and `attachments` on the way (a fully executed
 * lesson is 8–15 MB, nearly all of it plots) — then parse the stored copy, never the original, which
 * its owner could change while we grade.
 *
 * Limits (INTAKE_LIMITS) apply to what is graded, not to what a run printed:
 *   - the cells' sources (code and text) may be at most 5 MB;
 *   - the notebook without its outputs may be at most 16 MB: this is the most notebook text held in
 *     memory at once (plus its parse), whatever the file's size;
 *   - the file itself is read at most to 512 MB (outputs included), so a runaway file costs time
 *     and disk, never memory.
 * Notebooks in nbformat 4.0–4.5 (with or without cell ids), as JupyterLab, classic Jupyter and
 * VS Code write them. A file that is not JSON, has no cells or breaks a limit gets a clear reason.
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
  /** "4.5" etc., as the file says. */
  nbformat?: string;
}

export interface Intake {
  /** The original path, as given. */
  source: string;
  /** The grader's own copy (outputs discarded). */
  stored?: string;
  /** Of the file as submitted. */
  sha256?: string;
  bytes: number;
  /** Bytes of cell outputs and attachments discarded at intake. */
  outputBytes?: number;
  notebook?: Notebook;
  /** Why the notebook could not be read at all. */
  problem?: string;
}

export interface IntakeLimits {
  /** Sum of all cells' sources. */
  sourceBytes: number;
  /** The notebook without outputs: the most held in memory. */
  strippedBytes: number;
  /** The file as submitted. */
  fileBytes: number;
}

const MB = 1024 * 1024;
export const INTAKE_LIMITS: Readonly<IntakeLimits> = Object.freeze({
  sourceBytes: 5 * MB,
  strippedBytes: 16 * MB,
  fileBytes: 512 * MB,
});

const mb = (n: number) => `${n / MB >= 10 ? Math.round(n / MB) : Math.round((n / MB) * 10) / 10} MB`;

/** Copies `file` into `storeDir` (named by its hash) without outputs, within `limits`, and parses the copy. */
export function intake(file: string, storeDir: string, limits: Partial<IntakeLimits> = {}): Intake {
  const lim = { ...INTAKE_LIMITS, ...limits };
  const hash = createHash("sha256");
  fs.mkdirSync(storeDir, { recursive: true });
  const tmp = path.join(storeDir, `.incoming-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const stripper = new OutputStripper();
  let bytes = 0,
    written = 0,
    ok = false;
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
      if (bytes > lim.fileBytes)
        return {
          source: file,
          bytes,
          problem: `the file is larger than ${mb(lim.fileBytes)}, even counting its outputs; the grader reads no more than that. Clear its outputs (Edit → Clear All Outputs), save, and submit again.`,
        };
      const chunk = buf.subarray(0, n);
      hash.update(chunk);
      for (const piece of stripper.push(chunk)) {
        written += piece.length;
        if (written > lim.strippedBytes)
          return {
            source: file,
            bytes,
            problem: `the notebook is larger than ${mb(lim.strippedBytes)} even without its outputs (its cells or metadata hold that much). Remove large pasted data from its cells, save, and submit again.`,
          };
        fs.writeSync(out, piece);
      }
    }
    ok = true;
  } catch (e) {
    return {
      source: file,
      bytes,
      problem: `it could not be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`,
    };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
    if (out !== undefined) fs.closeSync(out);
    if (!ok) fs.rmSync(tmp, { force: true });
  }
  const sha256 = hash.digest("hex");
  const stored = path.join(storeDir, `${sha256}.ipynb`);
  fs.renameSync(tmp, stored);
  const parsed = parseNotebook(fs.readFileSync(stored, "utf8"));
  const base = { source: file, stored, sha256, bytes, outputBytes: stripper.skipped };
  if (parsed.notebook) {
    const sourceBytes = parsed.notebook.cells.reduce((s, c) => s + Buffer.byteLength(c.source), 0);
    if (sourceBytes > lim.sourceBytes)
      return {
        ...base,
        problem: `its cells' code and text add up to ${mb(sourceBytes)}, more than the ${mb(lim.sourceBytes)} the grader reads (outputs do not count). Remove large pasted data from its cells, save, and submit again.`,
      };
  }
  return { ...base, ...parsed };
}

const QUOTE = 0x22,
  BACKSLASH = 0x5c,
  COLON = 0x3a,
  COMMA = 0x2c;
const OPEN_OBJ = 0x7b,
  CLOSE_OBJ = 0x7d,
  OPEN_ARR = 0x5b,
  CLOSE_ARR = 0x5d;
const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
const DROPPED: Record<string, string> = { outputs: "[]", attachments: "{}" };

type Frame = { obj: boolean; key: string | null; expectKey: boolean };
type StringState = { inString: boolean; escape: boolean };

/** One byte inside a JSON string: true when it is the closing quote (the state then leaves the string). */
function endsString(s: StringState, b: number): boolean {
  if (s.escape) s.escape = false;
  else if (b === BACKSLASH) s.escape = true;
  else if (b === QUOTE) {
    s.inString = false;
    return true;
  }
  return false;
}

/**
 * A streaming pass over a notebook's JSON bytes that replaces the value of `outputs` and
 * `attachments` in every element of a `cells` array with an empty one, holding only the current
 * chunk and the nesting stack. It never fails: text that is not JSON passes through for the
 * parser to reject with a reason. (Structural characters are ASCII, so bytes are safe for UTF-8.)
 */
export class OutputStripper {
  /** Bytes left out. */
  skipped = 0;
  private stack: Frame[] = [];
  private str: StringState = { inString: false, escape: false };
  private key: number[] | null = null;
  /** While skipping a value: its nesting depth, string state and kind. */
  private skip: { started: boolean; depth: number; str: StringState; bare: boolean } | null = null;

  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let keep = this.skip ? chunk.length : 0; // start of the bytes to pass through
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      const s = this.skip;
      if (s) {
        this.skipped++;
        if (!s.started) {
          if (isSpace(b)) continue;
          s.started = true;
          if (b === OPEN_OBJ || b === OPEN_ARR) s.depth = 1;
          else if (b === QUOTE) s.str.inString = true;
          else s.bare = true;
          continue;
        }
        if (s.str.inString) {
          if (endsString(s.str, b) && s.depth === 0) {
            this.skip = null;
            keep = i + 1;
          }
          continue;
        }
        if (s.bare) {
          if (b === COMMA || b === CLOSE_OBJ || b === CLOSE_ARR || isSpace(b)) {
            this.skipped--; // the terminator belongs to the enclosing object
            this.skip = null;
            keep = i;
          } else continue;
        } else {
          if (b === QUOTE) s.str.inString = true;
          else if (b === OPEN_OBJ || b === OPEN_ARR) s.depth++;
          else if ((b === CLOSE_OBJ || b === CLOSE_ARR) && --s.depth === 0) {
            this.skip = null;
            keep = i + 1;
          }
          continue;
        }
      }
      if (this.str.inString) {
        const escaped = this.str.escape;
        if (endsString(this.str, b)) {
          if (this.key) {
            const top = this.stack[this.stack.length - 1];
            if (top) top.key = Buffer.from(this.key).toString("utf8");
            this.key = null;
          }
        } else if (this.key && this.key.length < 64 && (escaped || b !== BACKSLASH)) this.key.push(b);
        continue;
      }
      const top = this.stack[this.stack.length - 1];
      if (b === QUOTE) {
        this.str.inString = true;
        if (top?.obj && top.expectKey) this.key = [];
      } else if (b === OPEN_OBJ) this.stack.push({ obj: true, key: null, expectKey: true });
      else if (b === OPEN_ARR) this.stack.push({ obj: false, key: null, expectKey: false });
      else if (b === CLOSE_OBJ || b === CLOSE_ARR) this.stack.pop();
      else if (b === COMMA && top?.obj) top.expectKey = true;
      else if (b === COLON && top?.obj) {
        top.expectKey = false;
        const n = this.stack.length;
        const replacement = top.key !== null ? DROPPED[top.key] : undefined;
        if (
          replacement &&
          n >= 3 &&
          !this.stack[n - 2].obj &&
          this.stack[n - 3].obj &&
          this.stack[n - 3].key === "cells"
        ) {
          out.push(chunk.subarray(keep, i + 1), Buffer.from(replacement));
          this.skip = { started: false, depth: 0, str: { inString: false, escape: false }, bare: false };
          keep = chunk.length; // nothing more from this chunk unless the skip ends in it
        }
      }
    }
    if (keep < chunk.length) out.push(chunk.subarray(keep));
    return out;
  }
}

const text = (s: unknown): string | undefined =>
  typeof s === "string" ? s : Array.isArray(s) && s.every((x) => typeof x === "string") ? s.join("") : undefined;

/** The cells of a notebook's JSON, or the problem that stops us reading it. */
export function parseNotebook(json: string): { notebook?: Notebook; problem?: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    // The position would point into the copy without outputs, not the student's file: left out.
    return {
      problem: `it is not a valid notebook file (not JSON: ${(e as Error).message.replace(/ (in JSON )?at position \d+.*$/s, "")}; cut short or edited by hand?). Download it again from Jupyter with File → Download.`,
    };
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw))
    return { problem: "it is not a notebook (the JSON is not an object with cells)." };
  const r = raw as Record<string, unknown>;
  if (typeof r.nbformat === "number" && r.nbformat < 4)
    return {
      problem: `it is an old-format notebook (nbformat ${r.nbformat}). Open it in a current Jupyter, save it (File → Save), and submit again.`,
    };
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
    cells.push({
      cellType: typeof cell.cell_type === "string" ? cell.cell_type : "unknown",
      source,
      index,
      ...(gradeId !== undefined ? { gradeId } : {}),
    });
  });
  const meta =
    r.metadata && typeof r.metadata === "object"
      ? (r.metadata as Record<string, Record<string, unknown> | undefined>)
      : {};
  const kernelName = typeof meta.kernelspec?.name === "string" ? meta.kernelspec.name : undefined;
  const language =
    typeof meta.kernelspec?.language === "string"
      ? meta.kernelspec.language
      : typeof meta.language_info?.name === "string"
        ? meta.language_info.name
        : undefined;
  const nbformat =
    typeof r.nbformat === "number"
      ? `${r.nbformat}${typeof r.nbformat_minor === "number" ? `.${r.nbformat_minor}` : ""}`
      : undefined;
  return {
    notebook: {
      cells,
      ...(kernelName !== undefined ? { kernelName } : {}),
      ...(language !== undefined ? { language } : {}),
      ...(nbformat ? { nbformat } : {}),
    },
  };
}
