/**
 * Compiles a submission's solution regions into one CommonJS module for the jail (esbuild; imports
 * stay `require` calls, which the runner answers with the library and tfjs only — a student's
 * `import "vitest"` is never bundled in). The template's own imports (trusted) come first, so the
 * solution code sees the names the lesson's setup cell gave it, without running that cell.
 *
 * A syntax error is reported for its exercise only: that region is left out and, so other cells
 * that call it still work, its name is bound to the library's reference under a per-build secret
 * module name. The exercise itself is not graded from that stand-in (it is not exported).
 * Type errors are not checked (esbuild strips types): behaviour is what the tests grade.
 */
import { transformSync, type Message } from "esbuild";
import { randomBytes } from "node:crypto";
import { exercises } from "../exercises/index";
import { definedNames, type Region } from "./extract";
import type { Template } from "./template";

export interface Compiled {
  /** The module's JavaScript, or undefined when nothing compiled. */
  code?: string;
  /** Exercise ids whose functions the module exports. */
  exported: string[];
  /** Per exercise: the compile error, in words. */
  errors: Record<string, string>;
  /** Module name the runner maps to the references (stand-ins for broken regions). */
  referenceModule: string;
  /** Per try block of the module (one per distinct cell region), the exercises it defines. */
  regionExercises: string[][];
}

export const parses = (code: string): boolean => {
  try {
    transformSync(code, { loader: "ts", format: "esm", logLevel: "silent" });
    return true;
  } catch {
    return false;
  }
};

function describe(e: unknown, region: Region, lineOffset = 0): string {
  const m = (e as { errors?: Message[] }).errors?.[0];
  if (!m) return `it could not be compiled (${(e as Error).message.split("\n")[0]}).`;
  const line = (m.location?.line ?? 1) - lineOffset;
  return `syntax error in cell ${region.cells[0]}${line > 0 ? `, line ${line}` : ""}: ${m.text}. Fix it and run the cell to see the error in Jupyter.`;
}

const IMPORT = /^[ \t]*import\s+(?!type\b)([\s\S]*?)\s+from\s*(["'][^"']+["']);?/gm;

/** The local names an import clause binds: "tf, { a, b as c }" → tf, a, c; "* as tf" → tf. */
function importLocals(clause: string): string[] {
  const names: string[] = [];
  const braces = clause.match(/\{([^}]*)\}/);
  if (braces) for (const part of braces[1].split(",")) {
    const local = part.trim().replace(/^type\s+/, "").split(/\s+as\s+/).pop()?.trim();
    if (local) names.push(local);
  }
  const outside = clause.replace(/\{[^}]*\}/, "").split(",").map((x) => x.trim()).filter(Boolean);
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
    const kept = braces ? braces[1].split(",").map((x) => x.trim()).filter((x) => x && !taken.has(x.replace(/^type\s+/, "").split(/\s+as\s+/).pop()!.trim())) : [];
    return kept.length ? `import { ${kept.join(", ")} } from ${from};` : "";
  });
}

export function compileRegions(template: Template, regions: Region[]): Compiled {
  const taken = new Set([...template.prelude.matchAll(IMPORT)].flatMap((m) => importLocals(m[1])));
  regions = regions.map((r) => ({ ...r, code: tidyRegion(r.code, taken) }));
  const errors: Record<string, string> = {};
  const referenceModule = `vae-lab-reference-${randomBytes(12).toString("hex")}`;
  let good: Region[] = [];
  for (const r of regions) {
    try {
      transformSync(r.code, { loader: "ts", format: "esm", logLevel: "silent" });
      good.push(r);
    } catch (e) {
      errors[r.exerciseId] = describe(e, r);
    }
  }
  // The joined module can still fail (two cells declare the same top-level name): drop the region the error is in, retry.
  const names = template.exerciseIds.map((id) => exercises[id].functionName);
  for (let attempt = 0; attempt <= regions.length; attempt++) {
    const unique = [...new Map(good.map((r) => [r.code, r])).values()];
    // Each cell runs in its own try block, so code at the top level of one cell that throws costs only
    // that cell. Its exercise functions are captured at the block's start (function declarations are
    // initialised there) and again at its end (const/let definitions); other cells reach them through
    // module-level forwarders, since a block's declarations are local to it.
    const parts = ['"use strict";', template.prelude, ...unique.flatMap((r) => r.code.match(IMPORT) ?? [])];
    parts.push("const __fn = Object.create(null);", "const __loadErrors = [];");
    for (const n of names) parts.push(`function ${n}(...args) { return __fn.${n}(...args); }`);
    const defined = new Set(unique.flatMap((r) => definedNames(r.code)));
    for (const n of names.filter((x) => !defined.has(x))) parts.push(`__fn.${n} = require(${JSON.stringify(referenceModule)}).${n};`);
    const starts: { region: Region; line: number }[] = [];
    unique.forEach((r, k) => {
      const mine = names.filter((n) => definedNames(r.code).includes(n));
      const early = mine.filter((n) => new RegExp(`\\bfunction\\s*\\*?\\s*${n}\\s*[<(]`).test(r.code));
      parts.push(`try { ${early.map((n) => `__fn.${n} = ${n};`).join(" ")}`);
      starts.push({ region: r, line: parts.join("\n").split("\n").length + 1 });
      parts.push(r.code.replace(IMPORT, ""), `${mine.map((n) => `__fn.${n} = ${n};`).join(" ")}`, `} catch (e) { __loadErrors.push(${k}); }`);
    });
    parts.push("export { __fn, __loadErrors };");
    const source = parts.join("\n");
    const exported = good.map((r) => r.exerciseId);
    try {
      const out = transformSync(source, { loader: "ts", format: "cjs", target: "node20", logLevel: "silent", sourcefile: "submission.ts" });
      return { code: out.code, exported, errors, referenceModule, regionExercises: unique.map((r) => good.filter((g) => g.code === r.code).map((g) => g.exerciseId)) };
    } catch (e) {
      const line = (e as { errors?: Message[] }).errors?.[0]?.location?.line ?? 0;
      const at = [...starts].reverse().find((s) => s.line <= line);
      if (!at) return { exported: [], errors: { ...errors, ...Object.fromEntries(good.map((r) => [r.exerciseId, `the solution cells could not be compiled together (${(e as Error).message.split("\n")[0]}).`])) }, referenceModule, regionExercises: [] };
      for (const r of good.filter((g) => g.code === at.region.code)) errors[r.exerciseId] = describe(e, r, at.line - 1);
      good = good.filter((g) => g.code !== at.region.code);
    }
  }
  return { exported: [], errors, referenceModule, regionExercises: [] };
}
