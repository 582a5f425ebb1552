/**
 * Student notebooks from solved ones (docs/design.md §1; after nbgrader's ClearSolutions and ClearOutput
 * preprocessors). The stages, in order:
 *   1. clearSolutions: code between `// BEGIN SOLUTION` and `// END SOLUTION` becomes `// TODO` and a
 *      `throw new NotImplementedError("<function>")`; markdown between `<!-- BEGIN SOLUTION -->` and
 *      `<!-- END SOLUTION -->` becomes "*Your answer here.*"
 *   2. removeHidden: code between `// BEGIN HIDDEN TESTS` and `// END HIDDEN TESTS` is dropped
 *   3. clearOutputs: no outputs, no execution counts
 * A broken marker (END without BEGIN, BEGIN without END, nested) stops the release with an error that
 * names the notebook, the cell and the line.
 */
export interface Cell {
  cell_type: "code" | "markdown" | "raw";
  source: string | string[];
  metadata: Record<string, unknown>;
  outputs?: unknown[];
  execution_count?: number | null;
  [key: string]: unknown;
}
export interface Notebook {
  cells: Cell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

export class ReleaseError extends Error {
  constructor(where: string, problem: string) {
    super(`${where}: ${problem}`);
    this.name = "ReleaseError";
  }
}

const sourceText = (c: Cell) => (Array.isArray(c.source) ? c.source.join("") : c.source);
/** Jupyter's on-disk form of a source: lines, each but the last ending in "\n". */
const toLines = (s: string) => (s === "" ? [] : s.split(/(?<=\n)/));

interface Markers {
  begin: RegExp;
  end: RegExp;
}
const SOLUTION_CODE: Markers = { begin: /^\s*\/\/\s*BEGIN SOLUTION\s*$/, end: /^\s*\/\/\s*END SOLUTION\s*$/ };
const SOLUTION_MD: Markers = { begin: /^\s*<!--\s*BEGIN SOLUTION\s*-->\s*$/, end: /^\s*<!--\s*END SOLUTION\s*-->\s*$/ };
const HIDDEN: Markers = { begin: /^\s*\/\/\s*BEGIN HIDDEN TESTS\s*$/, end: /^\s*\/\/\s*END HIDDEN TESTS\s*$/ };

/** Replaces every marked region of `text` with `replace(regionLines, beginLineIndex)`. */
function replaceRegions(
  text: string,
  markers: Markers,
  where: string,
  replace: (lines: string[], at: number, all: string[]) => string[],
): { text: string; count: number } {
  const lines = text.split("\n");
  const out: string[] = [];
  let start = -1;
  let count = 0;
  lines.forEach((line, i) => {
    if (markers.begin.test(line)) {
      if (start >= 0)
        throw new ReleaseError(
          `${where}, line ${i + 1}`,
          `BEGIN marker inside the region opened on line ${start + 1}; regions cannot nest.`,
        );
      start = i;
    } else if (markers.end.test(line)) {
      if (start < 0) throw new ReleaseError(`${where}, line ${i + 1}`, "END marker without a BEGIN above it.");
      out.push(...replace(lines.slice(start + 1, i), start, lines));
      start = -1;
      count++;
    } else if (start < 0) {
      out.push(line);
    }
  });
  if (start >= 0) throw new ReleaseError(`${where}, line ${start + 1}`, "BEGIN marker without an END below it.");
  return { text: out.join("\n"), count };
}

/** The name of the function a solution region sits in: the nearest declaration above it. */
function enclosingFunction(lines: string[], at: number, fallback: string | undefined, where: string): string {
  for (let i = at; i >= 0; i--) {
    const m =
      /(?:function\s+([A-Za-z_$][\w$]*)|(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*(?:async\s*)?\()/.exec(
        lines[i],
      );
    if (m) return m[1] ?? m[2];
  }
  if (fallback) return fallback;
  throw new ReleaseError(
    where,
    "a solution region outside any function, and the cell has no nbgrader grade_id to name it.",
  );
}

export function releaseNotebook(nb: Notebook, name: string): Notebook {
  const cells: Cell[] = [];
  let todos = 0;
  nb.cells.forEach((cell, index) => {
    const where = `${name}, cell ${index + 1}`;
    let text = sourceText(cell);
    const nbgrader = (cell.metadata?.nbgrader ?? {}) as { grade_id?: string };
    if (cell.cell_type === "code") {
      text = replaceRegions(text, SOLUTION_CODE, where, (_region, at, all) => {
        const indent = /^\s*/.exec(all[at])![0];
        const fn = enclosingFunction(all, at, nbgrader.grade_id, where);
        todos++;
        return [`${indent}// TODO: your code here`, `${indent}throw new NotImplementedError(${JSON.stringify(fn)});`];
      }).text;
      const hidden = replaceRegions(text, HIDDEN, where, () => []);
      text = hidden.text;
      if (hidden.count > 0 && text.trim() === "") return; // a cell of hidden tests only: drop it
    } else if (cell.cell_type === "markdown") {
      text = replaceRegions(text, SOLUTION_MD, where, () => ["*Your answer here.*"]).text;
    }
    const out: Cell = { ...cell, source: toLines(text) };
    if (cell.cell_type === "code") {
      out.outputs = [];
      out.execution_count = null;
    }
    cells.push(out);
  });
  // Otherwise the student form fails to compile ("Cannot find name") instead of saying "not implemented yet".
  if (
    todos > 0 &&
    !nb.cells.some(
      (c) => c.cell_type === "code" && /import\s*\{[^}]*\bNotImplementedError\b[^}]*\}\s*from/.test(sourceText(c)),
    )
  ) {
    throw new ReleaseError(
      name,
      'has solution regions, but no cell imports NotImplementedError (add it to the first cell\'s import from "vae-lab").',
    );
  }
  return { ...nb, cells };
}

/** Jupyter's own serialisation: keys sorted, one-space indent, non-ASCII kept, trailing newline. */
export function serializeNotebook(nb: Notebook): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : v && typeof v === "object"
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
          )
        : v;
  return JSON.stringify(sort(nb), null, 1) + "\n";
}
