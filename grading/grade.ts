/**
 * Grading a class: collect notebooks, take each in once, group them by student, grade the students
 * in a pool of jailed workers (one child per submission, `jobs` at a time) with a progress bar, then
 * write the reports. One broken submission never stops the batch; only a failure of the grader
 * itself (no templates, the jail's runner not starting, reports not writable) makes it fail.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { exercises } from "../exercises/index";
import { referenceObservations } from "../exercises/observe";
import { initBackend } from "../src/backend";
import { ProgressBar } from "../src/cli/progressBar";
import { hiddenSuites } from "./hidden/index";
import { buildCompileWorker, buildRunner, projectDir } from "./jail/bundle";
import { DEFAULT_LIMITS, detectJail, type JailLimits, type JailMode } from "./jail/sandbox";
import { DEFAULT_MAX_BYTES, intake, type Intake } from "./notebook";
import { writeReports, type BatchInfo } from "./report";
import { gradeSubmission, templateFor, type GradeContext } from "./submission";
import { loadTemplates, type Template } from "./template";
import type { SubmissionResult } from "./types";

export interface GradeOptions {
  inputs: string[];
  outDir: string;
  jobs?: number;
  templatesDir?: string;
  limits?: Partial<JailLimits>;
  maxBytes?: number;
  /** Override the jail detection (benchmarks compare the jail with the rlimits fallback). */
  jail?: JailMode;
  /** Grade every notebook as one student's (Gradescope: one submission folder = one student). */
  singleStudent?: string;
  /** Where the progress bar goes; false for none. */
  progress?: { write(s: string): unknown; isTTY?: boolean } | false;
}

export interface BatchResult {
  results: SubmissionResult[];
  info: BatchInfo;
  /** 0 when grading itself worked (whatever the students scored), 1 otherwise. */
  exitCode: number;
}

/** Every .ipynb under the inputs (files or folders, recursively; checkpoints folders skipped), sorted. */
export function collectNotebooks(inputs: string[]): string[] {
  const out = new Set<string>();
  const walk = (p: string) => {
    const st = fs.lstatSync(p);
    if (st.isSymbolicLink()) return;
    if (st.isDirectory()) {
      for (const e of fs.readdirSync(p)) if (e !== ".ipynb_checkpoints" && e !== "node_modules" && !e.startsWith(".")) walk(path.join(p, e));
    } else if (st.isFile() && p.endsWith(".ipynb")) out.add(path.resolve(p));
  };
  for (const i of inputs) {
    if (!fs.existsSync(i)) throw new Error(`${i} does not exist: give notebooks or folders of notebooks.`);
    walk(i);
  }
  return [...out].sort();
}

/**
 * The student a notebook belongs to: "alice" for alice/01_swiss_roll_vae.ipynb,
 * alice_01_swiss_roll_vae.ipynb or alice.ipynb.
 */
export function studentOf(file: string, templates: Template[]): string {
  const stem = path.basename(file, ".ipynb");
  for (const t of templates) {
    if (stem === t.stem) return path.basename(path.dirname(file));
    if (stem.includes(t.stem)) {
      const rest = stem.replace(t.stem, "").replace(/^[-_. ]+|[-_. ]+$/g, "");
      if (rest) return rest;
    }
  }
  return stem;
}

export async function gradeBatch(options: GradeOptions): Promise<BatchResult> {
  const t0 = performance.now();
  const outDir = path.resolve(options.outDir);
  const templates = loadTemplates(options.templatesDir ?? path.join(projectDir, "solutions"));
  if (templates.length === 0) throw new Error(`no lesson templates found in ${options.templatesDir ?? "solutions/"}.`);
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const hiddenSeed = randomBytes(4).readUInt32LE(0); // this run's hidden inputs: secret, fresh every run
  await initBackend();

  // Intake: one copy each, into storage only the grader writes.
  const store = path.join(outDir, ".intake");
  const files = collectNotebooks(options.inputs).filter((f) => !f.startsWith(outDir + path.sep));
  const skipped: BatchInfo["skipped"] = [];
  const byStudent = new Map<string, Intake[]>();
  const used = new Set<Template>();
  for (const f of files) {
    const it = intake(f, store, options.maxBytes ?? DEFAULT_MAX_BYTES);
    const t = it.notebook ? templateFor(f, it, templates) : templates.find((x) => path.basename(f).includes(x.stem));
    if (it.notebook && !t) {
      skipped.push({ file: path.relative(process.cwd(), f), reason: "not a lesson notebook with exercises" });
      continue;
    }
    if (t) used.add(t);
    const student = options.singleStudent ?? studentOf(f, templates);
    byStudent.set(student, [...(byStudent.get(student) ?? []), it]);
  }
  if (used.size === 0 && byStudent.size > 0) used.add(templates[0]);
  const exerciseIds = templates.filter((t) => used.has(t)).flatMap((t) => t.exerciseIds);

  const mode = options.jail ?? detectJail();
  if (mode.warning) process.stderr.write(`\n!!! ${mode.warning}\n\n`);
  const cached = await buildRunner(path.join(projectDir, ".cache", "grader"));
  const compileWorker = await buildCompileWorker(path.join(projectDir, ".cache", "grader"));
  // The jailed uid must reach the runner and its own module: both live in a fresh directory under
  // the system's temp folder (world-traversable, unlike a project under /root), never changing the
  // permissions of the project's folders.
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "vae-lab-grade-"));
  fs.chmodSync(workDir, 0o711); // the jailed uid may reach its own module, not list the others
  const runnerDir = path.join(workDir, "runner");
  const removeWorkDir = () => fs.rmSync(workDir, { recursive: true, force: true });
  try {
    fs.cpSync(cached, runnerDir, { recursive: true });
    fs.chmodSync(runnerDir, 0o755);
    for (const f of fs.readdirSync(runnerDir)) fs.chmodSync(path.join(runnerDir, f), 0o644);
    // The trusted side's reference observations, once, before the workers start (hidden ones on
    // this run's secret inputs).
    for (const id of exerciseIds) {
      referenceObservations(exercises[id]);
      referenceObservations(hiddenSuites[id].exercise, hiddenSeed);
    }
  } catch (e) {
    removeWorkDir();
    throw e;
  }

  const students = [...byStudent.keys()].sort();
  const results: SubmissionResult[] = new Array(students.length);
  const stream = options.progress === false ? { write: () => true } : (options.progress as { write(s: string): unknown; isTTY?: boolean } | undefined) ?? process.stderr;
  const bar = new ProgressBar({ label: "grading", total: students.length, unit: "submission", stream });
  const jobs = Math.max(1, Math.min(options.jobs ?? os.cpus().length, 16));
  let next = 0, done = 0;
  const worker = async (slot: number) => {
    const ctx: GradeContext = { templates, exerciseIds, runnerDir, workDir, limits, mode, slot, hiddenSeed, compileWorker };
    while (next < students.length) {
      const i = next++;
      try {
        results[i] = await gradeSubmission(students[i], byStudent.get(students[i])!, ctx);
      } catch (e) {
        results[i] = { student: students[i], files: [], exercises: [], score: 0, maxScore: 0, notes: [], jail: mode, graderError: `grading ${students[i]} failed: ${(e as Error).stack ?? e}`, seconds: 0 };
      }
      bar.update(++done, students[i]);
    }
  };
  try {
    await Promise.all(Array.from({ length: jobs }, (_, slot) => worker(slot)));
  } finally {
    removeWorkDir();
  }
  bar.finish();
  const graderErrors = results.filter((r) => r.graderError).map((r) => `${r.student}: ${r.graderError}`);
  const info: BatchInfo = { exerciseIds, ...(mode.warning ? { jailWarning: mode.warning } : {}), skipped, graderErrors, seconds: (performance.now() - t0) / 1000 };
  writeReports(outDir, results, info);
  return { results, info, exitCode: graderErrors.length ? 1 : 0 };
}
