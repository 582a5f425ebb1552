/**
 * Grader throughput and the jail's overhead (issue #5): grades N copies of lesson-1 submissions
 * (half right, half spread over the catalogue's wrong answers) with the worker pool, once in the
 * bubblewrap jail and once with the rlimits-only fallback, and prints wall seconds per submission,
 * submissions per second, and the CPU seconds the children used per submission (as each child
 * reports it: the figure a shared machine distorts least). Also times a child's start-up
 * (node + tfjs + WASM + module), jailed and not, interleaved so both see the same load.
 *
 *   npx tsx bench/grade.ts [--copies 100] [--jobs 2]
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "../cli/args";
import { correctSources, mistakeSources } from "../grading/catalogue";
import { gradeBatch } from "../grading/grade";
import { buildRunner, projectDir, runnerFile } from "../grading/jail/bundle";
import { DEFAULT_LIMITS, detectJail, jailedCommand, JailSession, type JailMode } from "../grading/jail/sandbox";
import { lesson1Template, submission, writeNotebook } from "../grading/testing/fixtures";

export interface GradeBench {
  copies: number;
  jobs: number;
  jailed: BatchFigures | null;
  fallback: BatchFigures;
  startupMs: { jailed: number | null; fallback: number };
  /** `node -e 0` through the jail's wrappers vs the fallback's: what bubblewrap itself adds per child. */
  bareNodeMs: { jailed: number | null; fallback: number };
}

function bareNode(mode: JailMode): number {
  const [cmd, ...args] = jailedCommand(mode, DEFAULT_LIMITS, 1, [], ["-e", "0"]);
  const t = performance.now();
  spawnSync(cmd, args, { env: {} });
  return performance.now() - t;
}

interface BatchFigures {
  seconds: number;
  perSubmission: number;
  perSecond: number;
  /** CPU seconds (user + system) the jailed children reported per submission (node's own, incl. start-up). */
  childCpuPerSubmission: number;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

/** Ms from spawning a child to its module being loaded. */
async function startupOnce(mode: JailMode, runnerDir: string, moduleFile: string): Promise<number> {
  const t = performance.now();
  const s = new JailSession(
    runnerDir,
    moduleFile,
    DEFAULT_LIMITS,
    mode,
    0,
    runnerFile("reparameterize"),
    Date.now() + 60_000,
  );
  await s.start();
  await s.call({ op: "load", underTest: "reparameterize", others: [] });
  const ms = performance.now() - t;
  s.kill();
  return ms;
}

export async function benchGrade(
  copies = 100,
  jobs = 2,
  log: (s: string) => void = (s) => process.stdout.write(s + "\n"),
): Promise<GradeBench> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "vae-lab-bench-grade-"));
  try {
    const wrong = [
      ...Object.entries(mistakeSources.reparameterize).map(([, s]) => ({
        reparameterize: s,
        computeVaeLoss: correctSources.computeVaeLoss,
      })),
      ...Object.entries(mistakeSources.computeVaeLoss).map(([, s]) => ({
        reparameterize: correctSources.reparameterize,
        computeVaeLoss: s,
      })),
    ];
    const t1 = lesson1Template();
    for (let i = 0; i < copies; i++)
      writeNotebook(
        path.join(root, "subs"),
        `s${String(i).padStart(3, "0")}_01_swiss_roll_vae.ipynb`,
        submission(t1, i % 2 === 0 ? correctSources : wrong[(i >> 1) % wrong.length]),
      );
    const run = async (jail: JailMode) => {
      const t = performance.now();
      const b = await gradeBatch({
        inputs: [path.join(root, "subs")],
        outDir: path.join(root, `out-${jail.kind}`),
        jobs,
        progress: false,
        jail,
      });
      const seconds = (performance.now() - t) / 1000;
      if (b.exitCode !== 0) throw new Error(`grading failed: ${b.info.graderErrors.join("; ")}`);
      return {
        seconds,
        perSubmission: seconds / copies,
        perSecond: copies / seconds,
        childCpuPerSubmission: b.results.reduce((sum, r) => sum + (r.childCpuMs ?? 0), 0) / 1000 / copies,
      };
    };
    const detected = detectJail();
    const jailed = detected.kind === "bwrap" ? await run(detected) : null;
    const fallback = await run({ kind: "rlimits" });
    // One child's fixed cost, on a compiled module of the right answers.
    const runnerDir = path.join(root, "runner");
    fs.cpSync(await buildRunner(path.join(projectDir, ".cache", "grader")), runnerDir, { recursive: true });
    const modDir = path.join(root, "mod");
    fs.mkdirSync(modDir, { mode: 0o755 });
    fs.writeFileSync(path.join(modDir, "module.js"), "module.exports = {};\n", { mode: 0o644 });
    for (const d of [root, runnerDir, modDir]) fs.chmodSync(d, 0o755);
    for (const f of fs.readdirSync(runnerDir)) fs.chmodSync(path.join(runnerDir, f), 0o644);
    const times = { jailed: [] as number[], fallback: [] as number[] };
    for (let i = 0; i < 15; i++) {
      if (detected.kind === "bwrap")
        times.jailed.push(await startupOnce(detected, runnerDir, path.join(modDir, "module.js")));
      times.fallback.push(await startupOnce({ kind: "rlimits" }, runnerDir, path.join(modDir, "module.js")));
    }
    const startupMs = { jailed: times.jailed.length ? median(times.jailed) : null, fallback: median(times.fallback) };
    const bare = { jailed: [] as number[], fallback: [] as number[] };
    for (let i = 0; i < 21; i++) {
      if (detected.kind === "bwrap") bare.jailed.push(bareNode(detected));
      bare.fallback.push(bareNode({ kind: "rlimits" }));
    }
    const bareNodeMs = { jailed: bare.jailed.length ? median(bare.jailed) : null, fallback: median(bare.fallback) };
    const r: GradeBench = { copies, jobs, jailed, fallback, startupMs, bareNodeMs };
    const f = (x: BatchFigures) =>
      `${x.seconds.toFixed(1)} s wall, ${(x.perSubmission * 1000).toFixed(0)} ms per submission, ${x.perSecond.toFixed(2)} submissions/s; children's CPU ${(x.childCpuPerSubmission * 1000).toFixed(0)} ms per submission`;
    log(
      `grader: ${copies} lesson-1 submissions (half right, half catalogued mistakes), ${jobs} jobs, ${os.cpus().length} cores`,
    );
    log(`  bubblewrap jail   ${jailed ? f(jailed) : "unavailable"}`);
    log(`  rlimits fallback  ${f(fallback)}`);
    if (jailed)
      log(
        `  jail overhead     ${((jailed.childCpuPerSubmission / fallback.childCpuPerSubmission - 1) * 100).toFixed(0)}% more child CPU per submission; wall ratio ${(jailed.seconds / fallback.seconds).toFixed(2)} (wall figures move with the machine's load)`,
      );
    log(
      `  child start-up (node + tfjs + WASM + module), median of 15 interleaved: jailed ${startupMs.jailed?.toFixed(0) ?? "-"} ms, fallback ${startupMs.fallback.toFixed(0)} ms`,
    );
    log(
      `  bare \`node -e 0\` through the wrappers, median of 21 interleaved: jailed ${bareNodeMs.jailed?.toFixed(0) ?? "-"} ms, fallback ${bareNodeMs.fallback.toFixed(0)} ms (bubblewrap's own cost per child: ${bareNodeMs.jailed === null ? "-" : (bareNodeMs.jailed - bareNodeMs.fallback).toFixed(0)} ms)`,
    );
    log(
      `  load average at the end: ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(", ")}`,
    );
    return r;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const a = parseArgs(process.argv.slice(2), {
    copies: { type: "number", integer: true, min: 1, default: 100, help: "submissions to grade" },
    jobs: { type: "number", integer: true, min: 1, default: 2, help: "worker pool size" },
  });
  benchGrade(a.copies, a.jobs).then(
    () => process.exit(0),
    (e) => {
      process.stderr.write(`bench/grade: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
}
