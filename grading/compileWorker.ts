/**
 * Extraction and compilation of one notebook, in a process of its own (docs/grading.md, "no shared
 * fate"): the grader sends the notebook and the template on stdin and reads one JSON line on
 * stdout. It runs under the submission's time limit and its esbuild service is its own, so a cell
 * that makes the compiler crawl or crash (esbuild's Go stack overflows on ~10⁵ nested unary
 * operators) costs only this submission. Built into a file of its own by ./jail/bundle.ts
 * (never into the jail: it is trusted code, and runs as the grader).
 */
import { compileRegions, GraderError, parses, type Compiled } from "./compile";
import { extract, type Extraction } from "./extract";
import type { Notebook } from "./notebook";
import type { Template } from "./template";

/** What the worker reads: a notebook and a template, the template's set as an array. */
export type WorkerInput = {
  notebook: Notebook;
  template: Omit<Template, "lockedSources"> & { lockedSources: string[] };
};
export type WorkerOutput =
  { ok: true; extraction: Extraction; compiled: Compiled } | { ok: false; graderError: string };

function work(input: WorkerInput): WorkerOutput {
  const template: Template = { ...input.template, lockedSources: new Set(input.template.lockedSources) };
  try {
    const extraction = extract(input.notebook, template, parses);
    return { ok: true, extraction, compiled: compileRegions(template, extraction.regions) };
  } catch (e) {
    if (e instanceof GraderError) return { ok: false, graderError: e.message };
    return { ok: false, graderError: `the compile step failed (${String((e as Error)?.message ?? e).split("\n")[0]})` };
  }
}

const chunks: Buffer[] = [];
process.stdin.on("data", (c: Buffer) => chunks.push(c));
process.stdin.on("end", () => {
  const out = work(JSON.parse(Buffer.concat(chunks).toString("utf8")) as WorkerInput);
  process.stdout.write(JSON.stringify(out) + "\n", () => process.exit(0));
});
