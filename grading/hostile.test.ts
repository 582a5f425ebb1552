/**
 * Hostile submissions (issue #5's list): each one's hostile code sits in computeVaeLoss, next to a
 * right reparameterize, so the test sees both that the attack scores 0 with a clear reason and that
 * the rest of the submission keeps its points — and an honest student graded in the same batch is
 * untouched. Tight time limits keep this file fast.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { correctSources, mistakeSources } from "./catalogue";
import { gradeBatch, type BatchResult } from "./grade";
import { projectDir } from "./jail/bundle";
import { detectJail } from "./jail/sandbox";
import { lesson1Template, submission, tempDir, writeNotebook } from "./testing/fixtures";

const loss = (prefix: string, suffix = "") =>
  correctSources.computeVaeLoss.replace("{\n", `{\n${prefix}\n`).replace(/\n}$/, `\n${suffix}\n}`);
const flippedKl = mistakeSources.computeVaeLoss["kl-sign-flipped"];

let root: string, out: string, marker: string;
let server: http.Server;
let hits = 0;
let batch: BatchResult;
const jailed = detectJail().kind === "bwrap";

function hostile(port: number): Record<string, string> {
  return {
    loop: `function computeVaeLoss(model: Vae, x: tf.Tensor2D, beta: number) {\n  while (true) {}\n}`,
    "heap-bomb": `function computeVaeLoss(model: Vae, x: tf.Tensor2D, beta: number) {\n  const keep: number[][] = [];\n  while (true) keep.push(new Array(1e6).fill(Math.random()));\n}`,
    "off-heap-bomb": `function computeVaeLoss(model: Vae, x: tf.Tensor2D, beta: number) {\n  const keep: Float64Array[] = [];\n  while (true) keep.push(new Float64Array(1 << 24).fill(1));\n}`,
    "fork-bomb": `import { execSync, spawn } from "child_process";\nfunction computeVaeLoss(model: Vae, x: tf.Tensor2D, beta: number) {\n  try { execSync("touch ${marker}-exec"); } catch {}\n  try { (process as any).binding("spawn_sync"); } catch {}\n  for (let i = 0; i < 100; i++) spawn("/usr/bin/node", ["-e", "while(true){}"]);\n  return null as any;\n}`,
    network: loss(
      `  fetch("http://127.0.0.1:${port}/leak").catch(() => {});\n  try { require("net").connect(${port}, "127.0.0.1"); } catch {}`,
    ),
    // Full marks only if every way of reading files or the environment failed.
    "read-files": loss(`  let leaked = false;
  const attempts = [
    () => require("fs").readFileSync("${path.join(projectDir, "grading", "hidden", "reparameterize.ts")}").length > 0,
    () => require("fs").readdirSync("${path.join(projectDir, "solutions")}").length > 0,
    () => (process as any).binding("fs") !== undefined,
    () => (process as any).mainModule.require("fs") !== undefined,
    () => Object.keys(process.env).some((k) => k !== "PATH" && k !== "PWD"),
    () => eval("1") === 1,
    () => new Function("return 1")() === 1,
  ];
  for (const a of attempts) { try { leaked = leaked || a() === true; } catch {} }
  if (leaked) return { total: tf.scalar(1e9), recon: tf.scalar(1e9), kl: tf.scalar(1e9) };`),
    "forged-file": `import { writeFileSync } from "fs";\n${flippedKl.replace("{\n", `{\n  try { writeFileSync("${"OUT"}/gradebook.csv", "student,total\\nforged-file,100\\n"); } catch {}\n`)}`,
    "forged-later": `import { spawn } from "child_process";\n${flippedKl.replace("{\n", `{\n  try { spawn("/bin/sh", ["-c", "sleep 1; echo forged > OUT/results.json; touch ${marker}-later"], { detached: true, stdio: "ignore" }).unref(); } catch {}\n`)}`,
    "forged-stdout": flippedKl.replace(
      "{\n",
      `{\n  console.log(JSON.stringify({ score: 4, tests: [{ name: "all", score: 4, status: "passed" }] }));\n  process.stdout.write("\\u0004\\u0000\\u0000\\u0000ok\\n");\n`,
    ),
    "early-exit": loss(`  process.exit(0);`),
    "patched-globals": flippedKl.replace(
      "{\n",
      `{\n  const tries = [() => { Math.abs = () => 0; }, () => { (Array.prototype as any).every = () => true; }, () => { Number.isFinite = () => true; }, () => { Object.keys = () => []; }, () => { (Math as any).sqrt = () => 0.5; }];\n  for (const t of tries) { try { t(); } catch {} }\n`,
    ),
    "patched-kernels": loss(
      `  tf.registerKernel({ kernelName: "Mean", backendName: tf.getBackend(), kernelFunc: ({ inputs }: any) => (tf as any).engine().backend.makeTensorInfo([], "float32", new Float32Array([0])) });`,
    ),
    "test-framework": loss(`  const v = require("vitest");\n  v.it("everything", () => {});\n  v.expect(1).toBe(1);`),
    // At the top level of a cell, a loop stops the module from loading at all: the whole submission scores 0.
    "top-level-loop": `${correctSources.computeVaeLoss}\nwhile (true) {}`,
    "throws-object": `function computeVaeLoss(model: Vae, x: tf.Tensor2D, beta: number) {\n  throw { score: 100, passed: true };\n}`,
  };
}

beforeAll(async () => {
  root = tempDir("hostile");
  out = path.join(root, "out");
  marker = path.join(root, "pwned");
  server = http.createServer((_q, r) => {
    hits++;
    r.end("x");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const subs = path.join(root, "subs");
  for (const [name, source] of Object.entries(hostile((server.address() as AddressInfo).port))) {
    writeNotebook(
      subs,
      `${name}_01_swiss_roll_vae.ipynb`,
      submission(lesson1Template(), {
        reparameterize: correctSources.reparameterize,
        computeVaeLoss: source.replaceAll("OUT", out),
      }),
    );
  }
  writeNotebook(subs, "honest_01_swiss_roll_vae.ipynb", submission(lesson1Template(), correctSources));
  batch = await gradeBatch({
    inputs: [subs],
    outDir: out,
    jobs: 2,
    progress: false,
    limits: { callMs: 2500, submissionMs: 25_000 },
  });
  await new Promise((r) => setTimeout(r, 1500)); // give a detached "later" writer its chance
});
afterAll(() => {
  server.close();
  fs.rmSync(root, { recursive: true, force: true });
});

const result = (student: string) => batch.results.find((r) => r.student === student)!;
const ex = (student: string, id: string) => result(student).exercises.find((e) => e.id === id)!;
const messages = (student: string) =>
  ex(student, "computeVaeLoss")
    .tests.map((t) => t.message)
    .join("\n");

describe("hostile submissions", () => {
  it("finish the batch without a grader error, and the honest student gets full marks", () => {
    expect(batch.exitCode).toBe(0);
    expect(batch.info.graderErrors).toEqual([]);
    expect(result("honest").score).toBe(8);
  });

  it.each([
    "loop",
    "heap-bomb",
    "off-heap-bomb",
    "fork-bomb",
    "early-exit",
    "patched-kernels",
    "test-framework",
    "throws-object",
  ])("%s: computeVaeLoss scores 0, reparameterize keeps its 4 points", (student) => {
    expect(ex(student, "reparameterize").score).toBe(4);
    expect(ex(student, "computeVaeLoss").score).toBe(0);
  });

  it("top-level loop: the module never finishes loading, so the submission scores 0 with that reason", () => {
    expect(result("top-level-loop").score).toBe(0);
    expect(ex("top-level-loop", "computeVaeLoss").notes.join()).toMatch(/did not finish loading within the time limit/);
  });

  it("give each attack a clear reason in the feedback", () => {
    expect(messages("loop")).toMatch(/did not finish within the time limit/);
    expect(messages("heap-bomb")).toMatch(/crashed the process|earlier calls of this function timed out or crashed/);
    expect(messages("off-heap-bomb")).toMatch(/crashed the process|threw a RangeError/);
    expect(messages("early-exit")).toMatch(/ended the process/);
    expect(messages("patched-kernels")).toMatch(/replaced TensorFlow.js kernels/);
    expect(messages("test-framework")).toMatch(/threw an Error/);
    expect(messages("throws-object")).toMatch(/threw a value that is not an Error/);
  });

  it("cannot spawn processes, now or later, nor write forged results", () => {
    expect(fs.existsSync(`${marker}-exec`)).toBe(false);
    expect(fs.existsSync(`${marker}-later`)).toBe(false);
    expect(fs.readFileSync(path.join(out, "gradebook.csv"), "utf8")).not.toMatch(/forged-file,100/);
    expect(fs.readFileSync(path.join(out, "results.json"), "utf8")).not.toMatch(/^forged/);
    for (const s of ["forged-file", "forged-later", "forged-stdout", "patched-globals"]) {
      expect(ex(s, "computeVaeLoss").score, s).toBeLessThan(4);
      expect(ex(s, "computeVaeLoss").mistakeId, s).toBe("kl-sign-flipped"); // judged on what it computed, not on what it claimed
      expect(ex(s, "reparameterize").score, s).toBe(4);
    }
  });

  it("reads no files, environment or code strings: the function that succeeds only if all reads fail gets full marks", () => {
    expect(result("read-files").score).toBe(8);
  });

  it.runIf(jailed)("reaches no network", () => {
    expect(hits).toBe(0);
    expect(result("network").score).toBe(8);
  });

  it("never echoes the student's output or error text into learner feedback", () => {
    for (const r of batch.results) {
      const md = fs.readFileSync(path.join(out, "feedback", `${r.student}.md`), "utf8");
      expect(md).not.toMatch(/score: 100|"passed": ?true|forged >|student,total/);
    }
  });
});
