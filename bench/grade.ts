/**
 * Grader throughput and the jail's overhead (issue #5): grades N copies of lesson-1 submissions
 * (half right, half spread over the catalogue's wrong answers) with the worker pool, once in the
 * bubblewrap jail and once with the rlimits-only fallback, and prints seconds per submission,
 * submissions per second and the jail's share. Also times one jailed child's start-up (node +
 * tfjs + WASM) with and without bubblewrap, the fixed cost per submission.
 *
 *   npx tsx bench/grade.ts [--copies 100] [--jobs 2]
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "../src/cli/args";
import { correctSources, mistakeSources } from "../grading/catalogue";
import { gradeBatch } from "../grading/grade";
import { buildRunner, projectDir } from "../grading/jail/bundle";
import { DEFAULT_LIMITS, detectJail, JailSession, type JailMode } from "../grading/jail/sandbox";
import { lesson1Template, submission, writeNotebook } from "../grading/testing/fixtures";

export interface GradeBench {
  copies: number;
  jobs: number;
  jailed: { seconds: number; perSubmission: number; perSecond: number } | null;
  fallback: { seconds: number; perSubmission: number; perSecond: number };
  startupMs: { jailed: number | null; fallback: number };
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

/** Median ms from spawning a child to its module being loaded. */
async function startup(mode: JailMode, runnerDir: string, moduleFile: string, n = 7): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const s = new JailSession(runnerDir, moduleFile, DEFAULT_LIMITS, mode, 0, "x", Date.now() + 60_000);
    await s.start();
    await s.call({ op: "load" });
    times.push(performance.now() - t);
    s.kill();
  }
  return median(times);
}

export async function benchGrade(copies = 100, jobs = 2, log: (s: string) => void = (s) => process.stdout.write(s + "\n")): Promise<GradeBench> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "vae-lab-bench-grade-"));
  try {
    const wrong = [...Object.entries(mistakeSources.reparameterize).map(([, s]) => ({ reparameterize: s, computeVaeLoss: correctSources.computeVaeLoss })),
      ...Object.entries(mistakeSources.computeVaeLoss).map(([, s]) => ({ reparameterize: correctSources.reparameterize, computeVaeLoss: s }))];
    const t1 = lesson1Template();
    for (let i = 0; i < copies; i++) writeNotebook(path.join(root, "subs"), `s${String(i).padStart(3, "0")}_01_swiss_roll_vae.ipynb`, submission(t1, i % 2 === 0 ? correctSources : wrong[(i >> 1) % wrong.length]));
    const run = async (jail: JailMode) => {
      const t = performance.now();
      const b = await gradeBatch({ inputs: [path.join(root, "subs")], outDir: path.join(root, `out-${jail.kind}`), jobs, progress: false, jail });
      const seconds = (performance.now() - t) / 1000;
      if (b.exitCode !== 0) throw new Error(`grading failed: ${b.info.graderErrors.join("; ")}`);
      return { seconds, perSubmission: seconds / copies, perSecond: copies / seconds };
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
    const startupMs = {
      jailed: detected.kind === "bwrap" ? await startup(detected, runnerDir, path.join(modDir, "module.js")) : null,
      fallback: await startup({ kind: "rlimits" }, runnerDir, path.join(modDir, "module.js")),
    };
    const r: GradeBench = { copies, jobs, jailed, fallback, startupMs };
    const f = (x: { seconds: number; perSubmission: number; perSecond: number }) => `${x.seconds.toFixed(1)} s, ${(x.perSubmission * 1000).toFixed(0)} ms per submission, ${x.perSecond.toFixed(2)} submissions/s`;
    log(`grader: ${copies} lesson-1 submissions (half right, half catalogued mistakes), ${jobs} jobs, ${os.cpus().length} cores`);
    log(`  bubblewrap jail   ${jailed ? f(jailed) : "unavailable"}`);
    log(`  rlimits fallback  ${f(fallback)}`);
    if (jailed) log(`  jail overhead     ${(((jailed.seconds / fallback.seconds) - 1) * 100).toFixed(0)}% of batch wall time`);
    log(`  child start-up (node + tfjs + WASM + module), median of 7: jailed ${startupMs.jailed?.toFixed(0) ?? "-"} ms, fallback ${startupMs.fallback.toFixed(0)} ms`);
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
  benchGrade(a.copies, a.jobs).then(() => process.exit(0), (e) => {
    process.stderr.write(`bench/grade: ${(e as Error).message}\n`);
    process.exit(1);
  });
}
