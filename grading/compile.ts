/**
 * Compiles a submission's solution regions into one CommonJS module for the jail (esbuild; imports
 * stay `require` calls, which the runner answers with the library and tfjs only — a student's
 * `import "vitest"` is never bundled in). The template's own imports (trusted) come first, so the
 * solution code sees the names the lesson's setup cell gave it, without running that cell.
 *
 * A syntax error is reported for its exercise only: that region is left out. Every exercise
 * function is reached through one module-level forwarder (`reparameterize(...)` calls
 * `__fn.reparameterize`), even from the cell that defines it (the learner's definitions are
 * renamed `__own_<name>`), so the jail can bind each exercise it is not grading to a stand-in of
 * ours and grade each exercise apart from the learner's other functions (docs/grading.md).
 * Cells run inside one async function, so a top-level `await` in a solution cell works.
 * Type errors are not checked (esbuild strips types): behaviour is what the tests grade.
 *
 * Every step is linear in the submission's size; a cell nested deeper than MAX_NESTING is refused
 * as the learner's syntax problem before esbuild sees it (esbuild's Go stack overflows on it), and
 * any other failure of esbuild itself restarts its service and is raised as a GraderError, never
 * reported as the learner's syntax error.
 */
import { stop, transformSync, type Message, type TransformOptions } from "esbuild";
import { definedNames, definitions, type Region } from "./extract";
import { MAX_NESTING, scan } from "./scan";
import type { Template } from "./template";

/** A failure of the grader's own machinery (not of the learner's code). */
export class GraderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GraderError";
  }
}

/**
 * esbuild's transform; a failure that is not a diagnosis of the code (its service crashed or
 * stopped) restarts the service and becomes a GraderError.
 */
function transform(code: string, options: TransformOptions) {
  try {
    return transformSync(code, options);
  } catch (e) {
    if (Array.isArray((e as { errors?: unknown }).errors) && (e as { errors: Message[] }).errors.length > 0) throw e;
    stop(); // the next call starts a fresh service
    throw new GraderError(`esbuild failed (${String((e as Error)?.message ?? e).split("\n")[0]})`);
  }
}

/** "nested N levels deep" when `code` would overflow the compiler, else undefined. */
function tooDeep(code: string): string | undefined {
  const { depth } = scan(code);
  return depth > MAX_NESTING
    ? `brackets are nested ${depth} levels deep (more than ${MAX_NESTING}); split the expression into smaller steps.`
    : undefined;
}

export interface Compiled {
  /** The module's JavaScript, or undefined when nothing compiled. */
  code?: string;
  /** Exercise ids whose functions the module exports. */
  exported: string[];
  /** Per exercise: the compile error, in words. */
  errors: Record<string, string>;
  /** Per try block of the module (one per distinct cell region), the exercises it defines. */
  regionExercises: string[][];
}

/** Does `code` parse? (a GraderError if esbuild itself fails) */
export const parses = (code: string): boolean => {
  if (tooDeep(code)) return false;
  try {
    transform(code, { loader: "ts", format: "esm", logLevel: "silent" });
    return true;
  } catch (e) {
    if (e instanceof GraderError) throw e;
    return false;
  }
};

function describe(e: unknown, region: Region, lineOffset = 0): string {
  const m = (e as { errors?: Message[] }).errors?.[0];
  if (!m) return `it could not be compiled (${(e as Error).message.split("\n")[0]}).`;
  const line = (m.location?.line ?? 1) - lineOffset;
  return `syntax error in cell ${region.cells[0]}${line > 0 ? `, line ${line}` : ""}: ${m.text}. Fix it and run the cell to see the error in Jupyter.`;
}

// Bounded: an import clause is names, braces, commas and spaces, at most 2,000 characters long.
const IMPORT = /^[ \t]*import\s+(?!type\b)([\p{L}\p{N}$_*{},\s]{1,2000}?)\s+from\s*(["'][^"'\n]{1,300}["']);?/gmu;

/** The local names an import clause binds: "tf, { a, b as c }" → tf, a, c; "* as tf" → tf. */
function importLocals(clause: string): string[] {
  const names: string[] = [];
  const braces = clause.match(/\{([^}]*)\}/);
  if (braces)
    for (const part of braces[1].split(",")) {
      const local = part
        .trim()
        .replace(/^type\s+/, "")
        .split(/\s+as\s+/)
        .pop()
        ?.trim();
      if (local) names.push(local);
    }
  const outside = clause
    .replace(/\{[^}]*\}/, "")
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);
  for (const o of outside) names.push(o.replace(/^\*\s+as\s+/, "").trim());
  return names;
}

/**
 * Learners' cells may repeat the lesson's imports in another form (`import * as tf from
 * "@tensorflow/tfjs"`) or export their function: both would clash with the module around them, so
 * an import of a name the lesson already binds is dropped and a leading `export` is removed.
 */
export function tidyRegion(code: string, taken: Set<string>): string {
  const withoutExports = code.replace(/^([ \t]*)export\s+(?!\{|\*|default\b)/gm, "$1");
  return withoutExports.replace(IMPORT, (statement, clause: string, from: string) => {
    const locals = importLocals(clause);
    if (!locals.some((n) => taken.has(n))) return statement;
    const braces = clause.match(/\{([^}]*)\}/);
    const kept = braces
      ? braces[1]
          .split(",")
          .map((x) => x.trim())
          .filter(
            (x) =>
              x &&
              !taken.has(
                x
                  .replace(/^type\s+/, "")
                  .split(/\s+as\s+/)
                  .pop()!
                  .trim(),
              ),
          )
      : [];
    return kept.length ? `import { ${kept.join(", ")} } from ${from};` : "";
  });
}

/** The region with its definitions of exercise functions renamed `__own_<name>` (calls keep the plain name: the forwarder). */
function renameOwn(code: string, names: string[]): { code: string; own: string[]; early: string[] } {
  const defs = definitions(code).filter((d) => names.includes(d.name));
  let out = code;
  for (const d of [...defs].sort((a, b) => b.index - a.index))
    out = `${out.slice(0, d.index)}__own_${d.name}${out.slice(d.index + d.name.length)}`;
  const own = [...new Set(defs.map((d) => d.name))];
  // Function declarations are initialised at their block's start, so other cells can use them at once.
  const early = own.filter((n) => defs.some((d) => d.name === n && d.kind === "function"));
  return { code: out, own, early };
}

export function compileRegions(template: Template, regions: Region[]): Compiled {
  const taken = new Set([...template.prelude.matchAll(IMPORT)].flatMap((m) => importLocals(m[1])));
  regions = regions.map((r) => ({ ...r, code: tidyRegion(r.code, taken) }));
  const errors: Record<string, string> = {};
  let good: Region[] = [];
  for (const r of regions) {
    const deep = tooDeep(r.code);
    if (deep) {
      errors[r.exerciseId] = `cell ${r.cells[0]} cannot be compiled: ${deep}`;
      continue;
    }
    try {
      transform(r.code, { loader: "ts", format: "esm", logLevel: "silent" });
      good.push(r);
    } catch (e) {
      if (e instanceof GraderError) throw e;
      errors[r.exerciseId] = describe(e, r);
    }
  }
  // The joined module can still fail (two cells declare the same top-level name): drop the region the error is in, retry.
  const names = template.exerciseIds.map((id) => template.functions[id].name);
  for (let attempt = 0; attempt <= regions.length; attempt++) {
    const unique = [...new Map(good.map((r) => [r.code, r])).values()];
    // Each cell runs in its own try block, so code at the top level of one cell that throws costs only
    // that cell. Its exercise functions are captured at the block's start (function declarations are
    // initialised there) and again at its end (const/let definitions); every call of an exercise
    // function, in any cell, goes through its module-level forwarder.
    const parts = ['"use strict";', template.prelude, ...unique.flatMap((r) => r.code.match(IMPORT) ?? [])];
    parts.push("const __fn = Object.create(null);", "const __loadErrors = [];");
    for (const n of names) parts.push(`function ${n}(...args) { return __fn.${n}(...args); }`);
    parts.push("async function __run() {");
    const starts: { region: Region; line: number }[] = [];
    unique.forEach((r, k) => {
      const { code, own, early } = renameOwn(r.code.replace(IMPORT, ""), names);
      parts.push(`try { ${early.map((n) => `__fn.${n} = __own_${n};`).join(" ")}`);
      starts.push({ region: r, line: parts.join("\n").split("\n").length + 1 });
      parts.push(
        code,
        `${own.map((n) => `__fn.${n} = __own_${n};`).join(" ")}`,
        `} catch (e) { __loadErrors.push(${k}); }`,
      );
    });
    parts.push("}", "export { __fn, __loadErrors, __run };");
    const source = parts.join("\n");
    const exported = good
      .map((r) => r.exerciseId)
      .filter((id) => unique.some((r) => definedNames(r.code).includes(template.functions[id].name)));
    try {
      const out = transform(source, {
        loader: "ts",
        format: "cjs",
        target: "node20",
        logLevel: "silent",
        sourcefile: "submission.ts",
      });
      return {
        code: out.code,
        exported,
        errors,
        regionExercises: unique.map((r) => good.filter((g) => g.code === r.code).map((g) => g.exerciseId)),
      };
    } catch (e) {
      if (e instanceof GraderError) throw e;
      const line = (e as { errors?: Message[] }).errors?.[0]?.location?.line ?? 0;
      const at = [...starts].reverse().find((s) => s.line <= line);
      if (!at)
        return {
          exported: [],
          errors: {
            ...errors,
            ...Object.fromEntries(
              good.map((r) => [
                r.exerciseId,
                `the solution cells could not be compiled together (${(e as Error).message.split("\n")[0]}).`,
              ]),
            ),
          },
          regionExercises: [],
        };
      for (const r of good.filter((g) => g.code === at.region.code)) errors[r.exerciseId] = describe(e, r, at.line - 1);
      good = good.filter((g) => g.code !== at.region.code);
    }
  }
  return { exported: [], errors, regionExercises: [] };
}
