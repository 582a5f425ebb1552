/**
 * Grading a class: collect notebooks (naming everything else found), take each in once, credit
 * each to its student (./attribution), choose one per student and lesson, grade the students
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
import { initBackend } from "../src/engine/backend";
import { ProgressBar } from "../cli/progressBar";
import { hiddenSuites } from "./hidden/index";
import { buildCompileWorker, buildRunner, projectDir } from "./jail/bundle";
import { DEFAULT_LIMITS, detectJail, type JailLimits, type JailMode } from "./jail/sandbox";
import { attribute, chooseOne, readGradescopeMetadata, type Attribution } from "./attribution";
import { COLLECT_MANIFEST, COLLECT_MANIFEST_CSV, lateFiles } from "./collectManifest";
import { writeExports } from "./exports";
import { intake, type Intake, type IntakeLimits, type Notebook } from "./notebook";
import { outputNames, writeReports, type BatchInfo, type NotebookEntry } from "./report";
import { gradeSubmission, templateFor, type GradeContext } from "./submission";
import { loadTemplates, type Template } from "./template";
import type { SubmissionResult } from "./types";

export interface GradeOptions {
  inputs: string[];
  outDir: string;
  jobs?: number;
  templatesDir?: string;
  limits?: Partial<JailLimits>;
  /** Intake limits (what is read of each notebook); defaults in INTAKE_LIMITS. */
  intakeLimits?: Partial<IntakeLimits>;
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

/** The inputs cannot be graded as given (a path that does not exist): the CLI exits 2. */
export class InputError extends Error {}
/** Nothing to grade: the CLI exits 2 with this message (what was looked for, and where). */
export class NoNotebooksError extends InputError {}

export interface Collected {
  /** Every .ipynb found, with the input folder it was found under. */
  notebooks: { file: string; root: string }[];
  /** Everything else met in the inputs, each with why it was not graded. */
  skipped: { file: string; reason: string }[];
  /** Gradescope export index files found (submission_metadata.yml). */
  gradescopeMetadata: string[];
}

const SKIPPED_FOLDERS: Record<string, string> = {
  ".ipynb_checkpoints": "Jupyter's autosave checkpoints: not graded",
  __MACOSX: "macOS zip metadata: not graded",
  node_modules: "installed packages: not searched",
};

/**
 * Every .ipynb under the inputs (files or folders, recursively), and everything else met on the
 * way, each named with why it is not graded: hidden (dot) folders and files, checkpoints, symbolic
 * links, unreadable folders, files that are not notebooks.
 */
export function collectInputs(inputs: string[], exclude?: string): Collected {
  const notebooks = new Map<string, string>();
  const skipped: Collected["skipped"] = [];
  const gradescopeMetadata: string[] = [];
  const shown = (p: string) => path.relative(process.cwd(), p) || p;
  const walk = (p: string, root: string) => {
    if (exclude && (p === exclude || p.startsWith(exclude + path.sep))) return;
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch (e) {
      skipped.push({
        file: shown(p),
        reason: `could not be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      });
      return;
    }
    const name = path.basename(p);
    if (st.isSymbolicLink())
      return void skipped.push({ file: shown(p), reason: "a symbolic link: not followed (copy the file itself)" });
    if (st.isDirectory()) {
      if (p !== root && SKIPPED_FOLDERS[name])
        return void skipped.push({ file: shown(p) + path.sep, reason: SKIPPED_FOLDERS[name] });
      if (p !== root && name.startsWith("."))
        return void skipped.push({
          file: shown(p) + path.sep,
          reason: 'a hidden folder (its name starts with "."): not searched; rename it if it holds submissions',
        });
      let entries: string[];
      try {
        entries = fs.readdirSync(p).sort();
      } catch (e) {
        return void skipped.push({
          file: shown(p) + path.sep,
          reason: `could not be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        });
      }
      for (const e of entries) walk(path.join(p, e), root);
      return;
    }
    if (!st.isFile()) return void skipped.push({ file: shown(p), reason: "not a regular file" });
    if (name === "submission_metadata.yml" && path.dirname(p) === root) return void gradescopeMetadata.push(p);
    if ((name === COLLECT_MANIFEST || name === COLLECT_MANIFEST_CSV) && path.dirname(p) === root) return; // npm run collect's index: its late flags are read below
    if (name.startsWith("."))
      return void skipped.push({ file: shown(p), reason: 'a hidden file (its name starts with "."): not graded' });
    if (!/\.ipynb$/i.test(name))
      return void skipped.push({ file: shown(p), reason: "not a notebook (.ipynb): not graded" });
    if (!notebooks.has(p)) notebooks.set(p, root);
  };
  for (const i of inputs) {
    if (!fs.existsSync(i)) throw new InputError(`${i} does not exist: give notebooks or folders of notebooks.`);
    const abs = path.resolve(i);
    walk(abs, fs.statSync(abs).isDirectory() ? abs : path.dirname(abs));
  }
  return {
    notebooks: [...notebooks].map(([file, root]) => ({ file, root })).sort((a, b) => a.file.localeCompare(b.file)),
    skipped,
    gradescopeMetadata,
  };
}

/** Exercises of `template` whose function the notebook defines other than as the released stub. */
function attempted(nb: Notebook | undefined, template: Template | undefined): number {
  if (!nb || !template) return 0;
  return template.exerciseIds.filter((id) => {
    const def = new RegExp(
      `\\b(function\\s+${exercises[id].functionName}\\b|(const|let|var)\\s+${exercises[id].functionName}\\s*=)`,
    );
    return nb.cells.some((c) => def.test(c.source) && !/NotImplementedError/.test(c.source));
  }).length;
}

type Taken = { intake: Intake; attribution: Attribution; template?: Template; attempted: number; mtimeMs: number };

export async function gradeBatch(options: GradeOptions): Promise<BatchResult> {
  const t0 = performance.now();
  const outDir = path.resolve(options.outDir);
  const templates = loadTemplates(options.templatesDir ?? path.join(projectDir, "solutions"));
  if (templates.length === 0) throw new Error(`no lesson templates found in ${options.templatesDir ?? "solutions/"}.`);
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const hiddenSeed = randomBytes(4).readUInt32LE(0); // this run's hidden inputs: secret, fresh every run

  // Collect, then take each notebook in once, into storage only the grader writes.
  const found = collectInputs(options.inputs, outDir);
  if (found.notebooks.length === 0) {
    const also = found.skipped.length
      ? ` Found instead: ${found.skipped
          .slice(0, 5)
          .map((s) => `${s.file} (${s.reason})`)
          .join("; ")}${found.skipped.length > 5 ? `; and ${found.skipped.length - 5} more` : ""}.`
      : " The input is empty.";
    throw new NoNotebooksError(
      `no notebooks (*.ipynb) to grade in ${options.inputs.join(", ")}: looked in every folder below, for the lessons ${templates.map((t) => `${t.stem}.ipynb`).join(", ")} (any file name).${also}`,
    );
  }
  await initBackend();
  const submitters = new Map([...found.gradescopeMetadata.flatMap((f) => [...readGradescopeMetadata(f)])]);
  const stems = templates.map((t) => t.stem);
  const late = new Set([...new Set(found.notebooks.map((n) => n.root))].flatMap((root) => [...lateFiles(root)]));
  const store = path.join(outDir, ".intake");
  const skipped = [...found.skipped];
  const entries: NotebookEntry[] = [];
  const byStudent = new Map<string, Taken[]>();
  for (const { file, root } of found.notebooks) {
    const it = intake(file, store, options.intakeLimits);
    const shown = path.relative(process.cwd(), file) || file;
    const t = it.notebook
      ? templateFor(file, it, templates)
      : templates.find((x) => path.basename(file).includes(x.stem));
    const attributed = options.singleStudent
      ? { student: options.singleStudent, rule: "one submission: the whole input is one student's" }
      : attribute(file, root, stems, submitters);
    const attribution: Attribution = late.has(file) ? { ...attributed, late: true } : attributed;
    if (it.notebook && !t) {
      skipped.push({ file: shown, reason: "not a lesson notebook: none of the lessons' exercises is in it" });
      entries.push({
        file: shown,
        student: attribution.student,
        rule: attribution.rule,
        status: "not a lesson",
        reason: "none of the lessons' exercises is in it",
      });
      continue;
    }
    let mtimeMs = 0;
    try {
      mtimeMs = fs.statSync(file).mtimeMs;
    } catch {
      /* gone since intake: order by the rest */
    }
    const taken: Taken = {
      intake: it,
      attribution,
      ...(t ? { template: t } : {}),
      attempted: attempted(it.notebook, t),
      mtimeMs,
    };
    byStudent.set(attribution.student, [...(byStudent.get(attribution.student) ?? []), taken]);
  }

  // Exactly one notebook per student and lesson; the others are named.
  const gradedIntakes = new Map<string, Intake[]>();
  const duplicateNotes = new Map<string, string[]>();
  const identities: BatchInfo["identities"] = {};
  const used = new Set<Template>();
  for (const [student, taken] of byStudent) {
    const a = taken[0].attribution;
    identities[student] = {
      rule: a.rule,
      ...(a.lms ? { lms: a.lms } : {}),
      ...(a.lmsId ? { lmsId: a.lmsId } : {}),
      ...(a.email ? { email: a.email } : {}),
      ...(taken.some((x) => x.attribution.late) ? { late: true } : {}),
    };
    const lessons = new Map<string, Taken[]>();
    for (const x of taken) lessons.set(x.template?.stem ?? "", [...(lessons.get(x.template?.stem ?? "") ?? []), x]);
    const readableLessons = new Set(taken.filter((x) => x.intake.notebook && x.template).map((x) => x.template!.stem));
    const chosen: Intake[] = [];
    for (const [stem, group] of lessons) {
      const shown = (x: Taken) => path.relative(process.cwd(), x.intake.source) || x.intake.source;
      if (stem === "" && readableLessons.size > 0) {
        // Unreadable, of no known lesson, and the student has readable lessons: named, not graded.
        for (const x of group) {
          entries.push({
            file: shown(x),
            student,
            rule: x.attribution.rule,
            status: "unreadable",
            reason: x.intake.problem ?? "unreadable",
          });
          duplicateNotes.set(student, [
            ...(duplicateNotes.get(student) ?? []),
            `${path.basename(x.intake.source)} could not be read (${x.intake.problem}); it was not graded.`,
          ]);
        }
        continue;
      }
      const { chosen: pick, why } = chooseOne(
        group.map((x) => ({ ...x, file: x.intake.source, readable: !!x.intake.notebook, copy: x.attribution.copy })),
      );
      chosen.push(pick.intake);
      if (pick.template) used.add(pick.template);
      for (const x of group) {
        const base = {
          file: shown(x),
          student,
          rule: x.attribution.rule,
          ...(stem ? { lesson: stem } : {}),
          ...(x.attribution.late ? { late: true } : {}),
        };
        if (x === group.find((g) => g.intake === pick.intake))
          entries.push({
            ...base,
            status: x.intake.notebook ? "graded" : "unreadable",
            ...(x.intake.problem ? { reason: x.intake.problem } : {}),
          });
        else if (!x.intake.notebook)
          entries.push({
            ...base,
            status: "unreadable",
            reason: x.intake.problem ?? "unreadable",
            duplicateOf: shown(group.find((g) => g.intake === pick.intake)!),
          });
        else
          entries.push({
            ...base,
            status: "duplicate",
            duplicateOf: shown(group.find((g) => g.intake === pick.intake)!),
            reason: why,
          });
      }
      if (group.length > 1) {
        const others = group
          .filter((x) => x.intake !== pick.intake)
          .map((x) => path.basename(x.intake.source) + (x.intake.notebook ? "" : " (unreadable)"));
        duplicateNotes.set(student, [
          ...(duplicateNotes.get(student) ?? []),
          `You handed in ${group.length} notebooks for ${stem || "this lesson"}: ${path.basename(pick.intake.source)} was graded (${why}); not graded: ${others.join(", ")}.`,
        ]);
      }
    }
    gradedIntakes.set(student, chosen);
  }
  if (used.size === 0) used.add(templates[0]);
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

  const students = [...gradedIntakes.keys()].sort();
  const results: SubmissionResult[] = new Array(students.length);
  const stream =
    options.progress === false
      ? { write: () => true }
      : ((options.progress as { write(s: string): unknown; isTTY?: boolean } | undefined) ?? process.stderr);
  const bar = new ProgressBar({ label: "grading", total: students.length, unit: "submission", stream });
  const jobs = Math.max(1, Math.min(options.jobs ?? os.cpus().length, 16));
  let next = 0,
    done = 0;
  const worker = async (slot: number) => {
    const ctx: GradeContext = {
      templates,
      exerciseIds,
      runnerDir,
      workDir,
      limits,
      mode,
      slot,
      hiddenSeed,
      compileWorker,
    };
    while (next < students.length) {
      const i = next++;
      try {
        results[i] = await gradeSubmission(students[i], gradedIntakes.get(students[i])!, ctx);
      } catch (e) {
        results[i] = {
          student: students[i],
          files: [],
          exercises: [],
          score: 0,
          maxScore: 0,
          notes: [],
          jail: mode,
          graderError: `grading ${students[i]} failed: ${(e as Error).stack ?? e}`,
          seconds: 0,
        };
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
  for (const r of results) {
    const extra = duplicateNotes.get(r.student);
    if (extra) r.notes.push(...extra);
    if (r.graderError)
      for (const e of entries)
        if (e.student === r.student && e.status === "graded")
          Object.assign(e, { status: "grader error", reason: r.graderError });
  }
  const graderErrors = results.filter((r) => r.graderError).map((r) => `${r.student}: ${r.graderError}`);
  const info: BatchInfo = {
    exerciseIds,
    lessons: templates.filter((t) => used.has(t)).map((t) => ({ stem: t.stem, exerciseIds: t.exerciseIds })),
    ...(mode.warning ? { jailWarning: mode.warning } : {}),
    skipped,
    graderErrors,
    notebooks: entries.sort((a, b) => a.student.localeCompare(b.student) || a.file.localeCompare(b.file)),
    identities,
    outputNames: outputNames(students),
    seconds: (performance.now() - t0) / 1000,
  };
  writeReports(outDir, results, info);
  writeExports(outDir, results, info);
  return { results, info, exitCode: graderErrors.length ? 1 : 0 };
}
