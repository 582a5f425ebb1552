/**
 * Grades one student's submission, in order (docs/grading.md):
 *   intake (./notebook) → lesson by template (./template) → solution regions (./extract) and
 *   module (./compile), both in a compile worker under the time limit (./compileWorker)
 *   → per exercise, a jailed child answering the probes' calls (./jail/sandbox, ./jail/runner),
 *     each reply validated and reduced here (../exercises/raw, ../exercises/observe) → scores (./score)
 * Nothing in a submission can stop this from returning a result: a broken notebook, a crash, a
 * timeout or an early exit become 0 points with a reason for the affected exercises only.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { isArrayArg, type Outcome } from "../exercises/harness";
import { exercises } from "../exercises/index";
import { observationOf, planProbe, PROBE_SEED } from "../exercises/observe";
import { MalformedOutcome, parseOutcome } from "../exercises/raw";
import { compileRegions, GraderError, parses, type Compiled } from "./compile";
import type { WorkerInput, WorkerOutput } from "./compileWorker";
import { extract, type Extraction } from "./extract";
import { hiddenSuites } from "./hidden/index";
import { runnerFile } from "./jail/bundle";
import { TAMPERED } from "./jail/protocol";
import { JailSession, type JailLimits, type JailMode } from "./jail/sandbox";
import type { Intake, Notebook } from "./notebook";
import { scoreExercise, type FailureReason, type Seen } from "./score";
import type { Template } from "./template";
import type { ExerciseResult, SubmissionResult, SubmittedFile } from "./types";

export interface GradeContext {
  templates: Template[];
  /** Exercise ids graded in this batch (the gradebook's columns), lesson order. */
  exerciseIds: string[];
  runnerDir: string;
  /** Grader-owned scratch directory for compiled modules. */
  workDir: string;
  limits: JailLimits;
  mode: JailMode;
  slot: number;
  /** The secret seed of this grading run's hidden inputs (default: one drawn per grading process). */
  hiddenSeed?: number;
  /** The compile worker (./jail/bundle.ts buildCompileWorker); without one, extraction and compilation run in this process. */
  compileWorker?: string;
}

type Compilation =
  | { kind: "done"; extraction: Extraction; compiled: Compiled }
  | { kind: "grader-error"; message: string }
  | { kind: "timeout" };

/** Extraction and compilation of one notebook: in the compile worker under `ms`, or here when there is none. */
async function compileNotebook(ctx: GradeContext, nb: Notebook, template: Template, ms: number): Promise<Compilation> {
  if (!ctx.compileWorker) {
    try {
      const extraction = extract(nb, template, parses);
      return { kind: "done", extraction, compiled: compileRegions(template, extraction.regions) };
    } catch (e) {
      if (e instanceof GraderError) return { kind: "grader-error", message: e.message };
      throw e;
    }
  }
  const input: WorkerInput = { notebook: nb, template: { ...template, lockedSources: [...template.lockedSources] } };
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [ctx.compileWorker!], { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let err = "";
    let settled = false;
    const done = (c: Compilation) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(c);
    };
    const timer = setTimeout(
      () => {
        child.kill("SIGKILL");
        done({ kind: "timeout" });
      },
      Math.max(0, ms),
    );
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => (err = (err + d.toString("utf8")).slice(-600)));
    child.stdin.on("error", () => {});
    child.on("error", (e) =>
      done({ kind: "grader-error", message: `the compile worker did not start (${e.message})` }),
    );
    child.on("close", (code, signal) => {
      try {
        const r = JSON.parse(Buffer.concat(out).toString("utf8")) as WorkerOutput;
        if (!r.ok) return done({ kind: "grader-error", message: r.graderError });
        done({ kind: "done", extraction: r.extraction, compiled: r.compiled });
      } catch {
        done({
          kind: "grader-error",
          message: `the compile worker ended without a result (${signal ?? `status ${code}`}; ${err.trim().split("\n").slice(-1)[0] ?? ""})`,
        });
      }
    });
    child.stdin.end(JSON.stringify(input));
  });
}

/** The seed hidden inputs are drawn from in this context (the reference's observations must use the same). */
export const hiddenSeedOf = (ctx: Pick<GradeContext, "hiddenSeed">) => ctx.hiddenSeed ?? PROCESS_SEED;

/** Which template a notebook is: by file name first, else by which exercise functions it defines. */
export function templateFor(file: string, intake: Intake, templates: Template[]): Template | undefined {
  const stem = path.basename(file, ".ipynb");
  const byName = templates.find((t) => stem === t.stem || stem.includes(t.stem));
  if (byName) return byName;
  const cells = intake.notebook?.cells ?? [];
  const count = (t: Template) =>
    t.exerciseIds.filter((id) =>
      cells.some((c) => c.gradeId === id || new RegExp(`function\\s+${exercises[id].functionName}\\b`).test(c.source)),
    ).length;
  const best = [...templates].sort((a, b) => count(b) - count(a))[0];
  return best && count(best) > 0 ? best : undefined;
}

/** After this many timeouts or crashes, an exercise's remaining probes are not run (each would cost a kill and a restart). */
const MAX_KILLS_PER_EXERCISE = 2;

/** A secret per grading process: the default seed of hidden inputs (GradeContext.hiddenSeed overrides it). */
const PROCESS_SEED = randomBytes(4).readUInt32LE(0);

type Probe = { suite: "public" | "hidden"; probe: string };

/**
 * Grades one exercise in a child of its own: the child loads the module with every other exercise
 * bound to our stand-ins, and answers the probes' calls; the plans, the validation of every reply
 * and the reductions stay here. A child is restarted after a kill, a crash or a malformed reply.
 */
async function runExercise(ctx: GradeContext, moduleFile: string, id: string, others: string[], deadlineAt: number) {
  const ex = exercises[id],
    hidden = hiddenSuites[id].exercise;
  const queue: Probe[] = [
    ...Object.keys(ex.probes).map((probe) => ({ suite: "public" as const, probe })),
    ...Object.keys(hidden.probes).map((probe) => ({ suite: "hidden" as const, probe })),
  ];
  const seen = { public: {} as Seen, hidden: {} as Seen };
  const fail = (p: Probe, reason: FailureReason, error: string) =>
    (seen[p.suite][p.probe] = { ok: false, error, notImplemented: false, reason });
  let loadError: string | undefined;
  let session: JailSession | undefined;
  let jailError: string | undefined;
  let restarts = 0,
    kills = 0;
  const failedRegions = new Set<number>();
  let cpuMs = 0;
  const closeSession = async () => {
    if (session?.alive) {
      // What the child says it used (for benchmarks and results.json; not trusted for anything).
      const u = await session.call({ op: "usage" });
      const v = u.kind === "reply" && u.reply.ok ? (u.reply.value as { cpuMs?: unknown } | undefined) : undefined;
      if (typeof v?.cpuMs === "number" && Number.isFinite(v.cpuMs) && v.cpuMs >= 0)
        cpuMs += Math.min(v.cpuMs, ctx.limits.submissionMs);
    }
    await session?.close();
  };
  while (queue.length) {
    if (!session || !session.alive) {
      if (Date.now() >= deadlineAt || restarts > queue.length + 2) {
        for (const p of queue.splice(0)) fail(p, "budget", "the submission's time limit ran out");
        break;
      }
      restarts++;
      session = new JailSession(ctx.runnerDir, moduleFile, ctx.limits, ctx.mode, ctx.slot, runnerFile(id), deadlineAt);
      const started = await session.start();
      if (started.kind !== "reply" || !started.reply.ok) {
        const detail =
          started.kind === "reply"
            ? (started.reply as { error?: string }).error
            : started.kind === "timeout"
              ? "start-up timed out"
              : started.detail;
        session.kill();
        jailError = `the jailed runner did not start (${String(detail).slice(0, 300)}; ${session.stderrTail.trim().split("\n").slice(-2).join(" | ").slice(0, 300)})`;
        break;
      }
      const loaded = await session.call({ op: "load", underTest: ex.functionName, others });
      if (loaded.kind === "reply" && loaded.reply.ok) {
        const failed = (loaded.reply.value as { failedRegions?: unknown } | undefined)?.failedRegions;
        if (Array.isArray(failed)) for (const k of failed.slice(0, 64)) if (typeof k === "number") failedRegions.add(k);
      } else {
        const why =
          loaded.kind === "timeout"
            ? "timeout"
            : loaded.kind === "crashed"
              ? /status 0/.test(loaded.detail)
                ? "exit"
                : "crash"
              : undefined;
        loadError = why ?? "load";
        session.kill();
        break;
      }
    }
    const p = queue.shift()!;
    if (kills >= MAX_KILLS_PER_EXERCISE) {
      fail(p, "gave-up", "earlier calls were killed");
      continue;
    }
    const plan = planProbe(
      p.suite === "public" ? ex : hidden,
      p.probe,
      p.suite === "public" ? PROBE_SEED : (ctx.hiddenSeed ?? PROCESS_SEED),
    );
    const outcomes: Outcome[] = [];
    let failure: { reason: FailureReason; error: string } | undefined;
    for (const call of plan.calls) {
      const r = await session.call({ op: "call", call });
      if (r.kind === "reply") {
        if (r.reply.ok && r.reply.tainted) {
          failure = { reason: "tampered", error: TAMPERED };
          session.kill(); // a fresh child for the next probe
          break;
        }
        try {
          const o = parseOutcome(r.reply.ok ? r.reply.value : undefined, {
            grad: call.grad !== undefined,
            ...(call.argsAfter ? { argsAfter: call.args.filter(isArrayArg).length } : {}),
          });
          outcomes.push(o);
          if (!o.ok) break;
        } catch (e) {
          if (!(e instanceof MalformedOutcome)) throw e;
          failure = { reason: "malformed", error: `malformed reply: ${e.message}` };
          session.kill();
          break;
        }
        continue;
      }
      kills++;
      failure =
        r.kind === "timeout"
          ? { reason: r.which === "submission" ? "budget" : "timeout", error: "time limit" }
          : {
              reason: /exited with status 0\b/.test(r.detail) ? "exit" : "crash",
              error: `${r.detail}; ${session.stderrTail.trim().split("\n").slice(-3).join(" | ").slice(0, 400)}`,
            };
      break;
    }
    if (failure) fail(p, failure.reason, failure.error);
    else seen[p.suite][p.probe] = observationOf(plan, outcomes);
  }
  await closeSession();
  return { seen, loadError, jailError, cpuMs, failedRegions };
}

const GRADER_PROBLEM = "the grader could not run your code (a grader problem: your instructor has been told)";

const LOAD_REASONS: Record<string, string> = {
  timeout: "your solution cells did not finish loading within the time limit (a loop at the top level of a cell?)",
  exit: "your solution cells ended the process while loading (process.exit at the top level of a cell?)",
  crash: "loading your solution cells crashed the process (far too much memory at the top level of a cell?)",
  load: "your solution cells threw an error while loading (code at the top level of a cell that fails)",
};

/** Grades one student's notebooks (already taken in). */
export async function gradeSubmission(
  student: string,
  intakes: Intake[],
  ctx: GradeContext,
): Promise<SubmissionResult> {
  const t0 = performance.now();
  const notes: string[] = [];
  const files: SubmittedFile[] = [];
  const results = new Map<string, ExerciseResult>();
  const deadlineAt = Date.now() + ctx.limits.submissionMs;
  let graderError: string | undefined;
  let childCpuMs = 0;
  for (const intake of intakes) {
    const file: SubmittedFile = {
      source: intake.source,
      bytes: intake.bytes,
      ...(intake.sha256 ? { sha256: intake.sha256 } : {}),
    };
    files.push(file);
    const base = path.basename(intake.source);
    if (!intake.notebook) {
      file.problem = intake.problem;
      notes.push(`${base} could not be graded: ${intake.problem}`);
      continue;
    }
    const template = templateFor(intake.source, intake, ctx.templates);
    if (!template) {
      notes.push(
        `${base} is not one of this course's lesson notebooks (no exercise of ${ctx.templates.map((t) => t.stem).join(", ")} found in it); it was not graded.`,
      );
      continue;
    }
    file.template = template.stem;
    const nb = intake.notebook;
    if (nb.kernelName !== undefined && nb.kernelName !== "vae-lab")
      notes.push(
        `${base} is set to the "${nb.kernelName}" kernel, not vae-lab (TypeScript); its code was graded as TypeScript anyway.`,
      );
    // Extraction and compilation read the submission's text: in a process of their own, under the
    // submission's time limit. A failure of the compiler itself is ours (a GRADER ERROR), never the
    // learner's syntax error; a cell that makes it run out of time costs this notebook only.
    const c = await compileNotebook(ctx, nb, template, deadlineAt - Date.now());
    if (c.kind !== "done") {
      if (c.kind === "grader-error") graderError = `${base}: ${c.message}`;
      for (const id of template.exerciseIds) {
        results.set(
          id,
          c.kind === "grader-error"
            ? scoreExercise(id, undefined, undefined, [], { status: "missing", message: GRADER_PROBLEM })
            : scoreExercise(
                id,
                undefined,
                undefined,
                [
                  "your solution cells could not be compiled within the submission's time limit: is a cell enormous, or nested thousands of levels deep?",
                ],
                { status: "compile-error", message: "its cell could not be compiled in time" },
              ),
        );
      }
      continue;
    }
    const { extraction: ex, compiled } = c;
    let moduleFile: string | undefined;
    if (compiled.code && compiled.exported.length) {
      const dir = path.join(ctx.workDir, `${intake.sha256}-${process.pid}-${ctx.slot}`);
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
      fs.chmodSync(dir, 0o755);
      moduleFile = path.join(dir, "module.js");
      fs.writeFileSync(moduleFile, compiled.code, { mode: 0o644 });
    }
    const names = template.exerciseIds.map((id) => exercises[id].functionName);
    const runs = new Map<string, Awaited<ReturnType<typeof runExercise>>>();
    if (moduleFile) {
      for (const id of compiled.exported) {
        const run = await runExercise(
          ctx,
          moduleFile,
          id,
          names.filter((n) => n !== exercises[id].functionName),
          deadlineAt,
        );
        runs.set(id, run);
        childCpuMs += run.cpuMs;
        if (run.jailError) {
          graderError = run.jailError;
          break;
        }
      }
      fs.rmSync(path.dirname(moduleFile), { recursive: true, force: true });
    }
    for (const id of template.exerciseIds) {
      const n = ex.notes[id] ?? [];
      const run = runs.get(id);
      if (ex.missing.includes(id))
        results.set(
          id,
          scoreExercise(id, undefined, undefined, n, {
            status: "missing",
            message: `${exercises[id].functionName} was not found in your notebook`,
          }),
        );
      else if (compiled.errors[id])
        results.set(
          id,
          scoreExercise(id, undefined, undefined, [...n, compiled.errors[id]], {
            status: "compile-error",
            message: "its cell has a syntax error",
          }),
        );
      else if (!run || run.jailError)
        results.set(id, scoreExercise(id, undefined, undefined, n, { status: "missing", message: GRADER_PROBLEM }));
      else if (run.loadError)
        results.set(
          id,
          scoreExercise(id, undefined, undefined, [...n, LOAD_REASONS[run.loadError]], {
            status: "missing",
            message: "your solution cells could not be loaded",
          }),
        );
      else {
        const threw = [...run.failedRegions].some((k) => compiled.regionExercises[k]?.includes(id));
        const extra = threw
          ? [
              `code at the top level of your ${exercises[id].functionName} cell (outside the function) threw an error when the cell ran; the function was graded as far as it was defined. Remove test code from solution cells.`,
            ]
          : [];
        results.set(
          id,
          scoreExercise(id, run.seen.public, run.seen.hidden, [...n, ...extra], undefined, hiddenSeedOf(ctx)),
        );
      }
    }
  }
  const exercisesOut = ctx.exerciseIds.map(
    (id) =>
      results.get(id) ??
      scoreExercise(id, undefined, undefined, [`no notebook with ${exercises[id].functionName} was submitted`], {
        status: "missing",
        message: "not submitted",
      }),
  );
  const score = Math.round(exercisesOut.reduce((s, e) => s + e.score, 0) * 1e6) / 1e6;
  const maxScore = Math.round(exercisesOut.reduce((s, e) => s + e.maxScore, 0) * 1e6) / 1e6;
  return {
    student,
    files,
    exercises: exercisesOut,
    score,
    maxScore,
    notes,
    jail: { kind: ctx.mode.kind, ...(ctx.mode.warning ? { warning: ctx.mode.warning } : {}) },
    ...(graderError ? { graderError } : {}),
    seconds: Math.round((performance.now() - t0) / 10) / 100,
    childCpuMs: Math.round(childCpuMs),
  };
}
