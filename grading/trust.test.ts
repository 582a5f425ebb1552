/**
 * The trust model v2 (docs/grading.md) against submissions that try to score without the work:
 * reaching our reference through argv, files or the environment; a lookup table of the old fixed
 * hidden inputs; forged frames on the reply channel and tampered globals; and the trusted steps'
 * own failure modes (brackets nested 100,000 deep, a 1.2 MB cell, an esbuild-killing chain of
 * unary operators). Each attack sits in one exercise next to a right answer for the other; each
 * must score what its honest-wrong fallback scores (or less, when it only sabotages itself), and
 * the honest students in the same batch must grade exactly as in a batch of their own.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { serialize } from "node:v8";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exercises } from "../exercises/index";
import { correctSources, mistakeSources } from "./catalogue";
import { gradeBatch, type BatchResult } from "./grade";
import { buildRunner, projectDir, runnerFile } from "./jail/bundle";
import { lesson1Template, submission, tempDir, writeNotebook } from "./testing/fixtures";
import type { NotebookJson } from "./testing/fixtures";

const wrongRep = mistakeSources.reparameterize["sigma-is-exp-logvar"];
const wrongLoss = mistakeSources.computeVaeLoss["kl-sign-flipped"];
const right = correctSources;
/** The body of the right reparameterize, to run when an attack "found" something. */
const rightRep = `tf.add(mu, tf.mul(tf.exp(tf.mul(0.5, logVar)), randn(mu.shape))) as tf.Tensor2D`;
const wrongRepBody = `tf.add(mu, tf.mul(tf.exp(logVar), randn(mu.shape))) as tf.Tensor2D`;
const rep = (body: string) =>
  `function reparameterize(mu: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor2D {\n${body}\n}`;

/** Forged reply frames (length-prefixed v8 data) for ids 1..60, as the hex a student would paste. */
function forgedFrames(value: unknown): string {
  const frames: Buffer[] = [];
  for (let id = 1; id <= 60; id++) {
    const body = serialize({ id, ok: true, value });
    const head = Buffer.alloc(4);
    head.writeUInt32LE(body.length, 0);
    frames.push(head, body);
  }
  return Buffer.concat(frames).toString("hex");
}
const forge = (value: unknown) =>
  rep(
    `  try { const s = new (process.stdout.constructor as any)({ fd: 3, readable: false, writable: true }); s.write(Buffer.from("${forgedFrames(value)}", "hex")); } catch {}\n  return ${wrongRepBody};`,
  );

/** An attack that scores like the right answer only if it found something of ours in reach. */
const reach = (probe: string) =>
  rep(
    `  let found = false;\n  try { found = (() => { ${probe} })() === true; } catch {}\n  return found ? ${rightRep} : ${wrongRepBody};`,
  );

const ATTACKS: Record<
  string,
  { reparameterize: string } | { computeVaeLoss: string } | { notebook: (t: NotebookJson) => NotebookJson }
> = {
  // Reference reach: the old "secret" module name in argv, any file the child can open, the environment.
  "argv-reference": {
    reparameterize: reach(
      `for (const a of process.argv) { try { const m = require(a); if (m && typeof m.reparameterize === "function") return true; } catch {} if (/reference|hidden/.test(a)) return true; } return false;`,
    ),
  },
  "file-reference": {
    reparameterize: reach(`const get = (process as any).getBuiltinModule; const fs = get ? get("fs") : require("fs");
    const dirs = [require("path").dirname(process.argv[1] ?? "/"), "/grader/runner", "/grader/submission"];
    for (const d of dirs) for (const f of fs.readdirSync(d)) { const t = String(fs.readFileSync(d + "/" + f)); if (/moments-per-dimension|function reparameterize\\(|exp\\(tf\\.mul\\(0\\.5|STATS_CASES|hiddenSuites/.test(t)) return true; }
    return false;`),
  },
  "env-reference": {
    reparameterize: reach(
      `return Object.entries(process.env).some(([k, v]) => !["PATH", "PWD"].includes(k) || /reference|hidden|solution|vae-lab|grader/.test(String(v)));`,
    ),
  },
  // A lookup table of version 1's fixed hidden inputs: right there, wrong everywhere else.
  "lookup-table": {
    reparameterize: rep(`  const m = Array.from(mu.dataSync()).slice(0, 4).map((v) => Math.round(v * 100) / 100).join();
  const known = ["2,-1,0.5,0", "0.1,-2,0.7,1.5", "0,0,0,0"];
  return known.includes(m) ? ${rightRep} : ${wrongRepBody};`),
  },
  // Forged frames on fd 3: holes, an extra key, a Map, a claim that ignores the inputs.
  "forged-holes": {
    reparameterize: forge({
      ok: true,
      out: { kind: "tensor", shape: [4, 3], dtype: "float32", values: new Array(12), disposed: false },
    }),
  },
  "forged-extra-key": {
    reparameterize: forge({
      ok: true,
      out: {
        kind: "tensor",
        shape: [4, 3],
        dtype: "float32",
        values: new Array(12).fill(0.5),
        disposed: false,
        score: 4,
      },
    }),
  },
  "forged-map": { reparameterize: forge({ ok: true, out: new Map([["kind", "tensor"]]) }) },
  "forged-claim": {
    reparameterize: forge({
      ok: true,
      out: {
        kind: "tensor",
        shape: [4, 3],
        dtype: "float32",
        values: Array.from({ length: 12 }, (_, i) => Math.sin(i)),
        disposed: false,
      },
      grad: null,
    }),
  },
  // Realm tampering: globals and the serializer's helpers replaced before returning a wrong answer.
  "patched-realm": {
    reparameterize:
      rep(`  for (const t of [() => { (Array as any).from = () => [0]; }, () => { (Array.prototype as any).every = () => true; }, () => { (Number as any).isFinite = () => true; }, () => { (Object as any).keys = () => []; }, () => { (globalThis as any).Float32Array = Array; }, () => { (JSON as any).stringify = () => "{}"; }])
    try { t(); } catch {}
  return ${wrongRepBody};`),
  },
  // Trusted steps: brackets nested 100,000 deep (esbuild's stack), a 1.2 MB cell with patterns that
  // made the old regular expressions quadratic, a chain of unary operators that kills esbuild.
  "nested-brackets": {
    computeVaeLoss: `${right.computeVaeLoss}\nconst deep = ${"[".repeat(100_000)}${"]".repeat(100_000)};`,
  },
  "huge-cell": {
    computeVaeLoss: `${wrongLoss}\n/* ${"const a: b ".repeat(60_000)} */\n${"// import x from y\n".repeat(20_000)}`,
  },
  "unary-chain": { computeVaeLoss: `${right.computeVaeLoss}\nconst bang = ${"!".repeat(400_000)}0;` },
  // Fixes of the learner-facing pipeline: top-level await, a comment that looks like a definition.
  "top-level-await": { computeVaeLoss: `await Promise.resolve();\n${right.computeVaeLoss}` },
  "comment-definition": {
    notebook: (t) => {
      const nb = submission(t, right);
      nb.cells.push({
        cell_type: "code",
        source: "// function reparameterize(mu: tf.Tensor2D, logVar: tf.Tensor2D) { return mu; }\nconst note = 1;",
        metadata: {},
        outputs: [],
        execution_count: null,
      });
      return nb;
    },
  },
};

let root: string;
let batch: BatchResult, control: BatchResult;
const limits = { callMs: 4000, submissionMs: 30_000 };

beforeAll(async () => {
  root = tempDir("trust");
  const t1 = lesson1Template();
  const subs = path.join(root, "subs"),
    clean = path.join(root, "clean");
  const honest = {
    "honest-right": right,
    "honest-wrong-rep": { ...right, reparameterize: wrongRep },
    "honest-wrong-loss": { ...right, computeVaeLoss: wrongLoss },
  };
  for (const dir of [subs, clean])
    for (const [name, s] of Object.entries(honest))
      writeNotebook(dir, `${name}_01_swiss_roll_vae.ipynb`, submission(t1, s));
  for (const [name, a] of Object.entries(ATTACKS))
    writeNotebook(
      subs,
      `${name}_01_swiss_roll_vae.ipynb`,
      "notebook" in a ? a.notebook(t1) : submission(t1, { ...right, ...a }),
    );
  batch = await gradeBatch({ inputs: [subs], outDir: path.join(root, "out"), jobs: 2, progress: false, limits });
  control = await gradeBatch({
    inputs: [clean],
    outDir: path.join(root, "out-clean"),
    jobs: 1,
    progress: false,
    limits,
  });
}, 600_000);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const result = (b: BatchResult, student: string) => b.results.find((r) => r.student === student)!;
const score = (student: string, id: string) => result(batch, student).exercises.find((e) => e.id === id)!.score;
const tests = (student: string, id: string) => result(batch, student).exercises.find((e) => e.id === id)!.tests;

describe("the trust model v2", () => {
  it("grades the honest students of a hostile batch exactly as in a batch of their own", () => {
    for (const s of ["honest-right", "honest-wrong-rep", "honest-wrong-loss"]) {
      const a = result(batch, s),
        b = result(control, s);
      expect(
        a.exercises.map((e) => e.tests.map((t) => [t.id, t.score])),
        s,
      ).toEqual(b.exercises.map((e) => e.tests.map((t) => [t.id, t.score])));
    }
    expect(result(batch, "honest-right").score).toBe(8);
  });

  it("judges computeVaeLoss with our reparameterize: a wrong reparameterize costs its own points only", () => {
    expect(score("honest-wrong-rep", "reparameterize")).toBeLessThan(4);
    expect(score("honest-wrong-rep", "computeVaeLoss")).toBe(4);
  });

  it.each(["argv-reference", "file-reference", "env-reference", "lookup-table"])(
    "%s: reparameterize scores exactly what its honest-wrong fallback scores, computeVaeLoss keeps its 4 points",
    (student) => {
      expect(score(student, "reparameterize")).toBe(score("honest-wrong-rep", "reparameterize"));
      expect(score(student, "reparameterize")).toBeLessThan(4);
      expect(score(student, "computeVaeLoss")).toBe(4);
    },
  );

  it.each(["forged-holes", "forged-extra-key", "forged-map", "forged-claim", "patched-realm"])(
    "%s: forged frames or a tampered realm score no more than the honest-wrong answer",
    (student) => {
      expect(score(student, "reparameterize")).toBeLessThanOrEqual(score("honest-wrong-rep", "reparameterize"));
      expect(score(student, "computeVaeLoss")).toBe(4);
    },
  );

  it("rejects malformed replies as that test's failure, and says so to the instructor", () => {
    const details = ["forged-holes", "forged-extra-key", "forged-map"]
      .flatMap((s) => tests(s, "reparameterize").map((t) => t.detail ?? ""))
      .join("\n");
    expect(details).toMatch(/malformed reply|protocol violation/);
  });

  it("a cell nested 100,000 brackets deep is that exercise's compile error; the rest of the submission is graded", () => {
    const r = result(batch, "nested-brackets");
    expect(r.graderError).toBeUndefined();
    expect(r.exercises.find((e) => e.id === "computeVaeLoss")!.status).toBe("compile-error");
    expect(r.exercises.find((e) => e.id === "computeVaeLoss")!.notes.join()).toMatch(/nested 100000 levels deep/);
    expect(score("nested-brackets", "reparameterize")).toBe(4);
  });

  it("a 1.2 MB cell is graded like the same answer without the padding", () => {
    expect(score("huge-cell", "computeVaeLoss")).toBe(score("honest-wrong-loss", "computeVaeLoss"));
    expect(score("huge-cell", "reparameterize")).toBe(4);
  });

  it("a cell that stalls or kills the compiler costs only its own notebook, never as the learner's syntax error", () => {
    const r = result(batch, "unary-chain");
    const loss = r.exercises.find((e) => e.id === "computeVaeLoss")!;
    expect(loss.score).toBe(0);
    expect(loss.summary).not.toMatch(/syntax error/);
    if (r.graderError)
      expect(r.graderError).toMatch(/esbuild|compile worker/); // a crash of our compiler: loud, ours
    else expect(loss.summary).toMatch(/could not be compiled in time/);
  });

  it("runs a solution cell with a top-level await", () => {
    expect(score("top-level-await", "computeVaeLoss")).toBe(4);
  });

  it("grades the real definition, not a later comment that looks like one", () => {
    expect(result(batch, "comment-definition").score).toBe(8);
    expect(result(batch, "comment-definition").exercises[0].notes.join()).not.toMatch(/cells .* define/);
  });
});

describe("the jail's runner files", () => {
  it("hold no probe, hidden input, judge or reference, and only the stand-ins of other exercises", async () => {
    const dir = await buildRunner(path.join(projectDir, ".cache", "grader"));
    const read = (id: string) => fs.readFileSync(path.join(dir, runnerFile(id)), "utf8");
    for (const id of Object.keys(exercises)) {
      const code = read(id);
      // Contracts, hidden suites and the grader's judges are not bundled at all.
      expect(code, id).not.toMatch(
        /moments-per-dimension|saturated-logits|short-warmup|unequal-counts|edge-cases|hiddenSuites|referenceObservations|STATS_CASES|vae-lab-reference/,
      );
      // No exercise's reference: the library's elbo, gaussianKl, slerp, reparameterize, betaAt, activeUnits, centroidDirection.
      expect(code, id).not.toMatch(
        /function (elbo|gaussianKl|gaussianKlPerDim|bernoulliNll|slerp|interpolationPath|forward|createVae|betaAt|activeUnits|centroidDirection)\(/,
      );
      expect(code, id).not.toMatch(/function reparameterize\(/);
    }
    // computeVaeLoss is judged with our reparameterize; reparameterize's own runner does not hold it.
    expect(read("computeVaeLoss")).toMatch(/reparameterize: \(mu, logVar\)/);
    expect(read("reparameterize")).not.toMatch(/reparameterize: \(mu, logVar\)/);
  });
});
