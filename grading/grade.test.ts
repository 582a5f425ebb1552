/**
 * The grader's "done when": the solved lessons get full marks, the released student forms get 0
 * with "not implemented yet", both without errors; lesson 2 graded from a generated template;
 * re-runs give the same grades; reports in the documented formats; exit status only for grader failures.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exercises } from "../exercises/index";
import { correctSources } from "./catalogue";
import { main } from "./cli";
import { gradeBatch, type BatchResult } from "./grade";
import { projectDir } from "./jail/bundle";
import { MANIFEST } from "./manifest";
import { loadTemplates } from "./template";
import { lesson2Template, submission, tempDir, templatesDir, writeNotebook } from "./testing/fixtures";

let root: string;
beforeAll(() => (root = tempDir("grade")));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe("the lesson notebooks", () => {
  let solved: BatchResult, released: BatchResult;
  beforeAll(async () => {
    [solved, released] = [
      await gradeBatch({
        inputs: [path.join(projectDir, "solutions")],
        outDir: path.join(root, "solutions"),
        progress: false,
      }),
      await gradeBatch({
        inputs: [path.join(projectDir, "notebooks")],
        outDir: path.join(root, "notebooks"),
        progress: false,
      }),
    ];
  });

  it("gives every solved lesson in solutions/ full marks, without errors", () => {
    expect(solved.exitCode).toBe(0);
    const ids = loadTemplates(path.join(projectDir, "solutions")).flatMap((t) => t.exerciseIds);
    expect(solved.info.exerciseIds).toEqual(ids);
    expect(solved.results).toHaveLength(1);
    const r = solved.results[0];
    expect(r.exercises.map((e) => [e.id, e.score])).toEqual(ids.map((id) => [id, exercises[id].points]));
    expect(r.score).toBe(r.maxScore);
  });

  it("gives the released student notebooks 0 with a clear 'not implemented yet', without errors", () => {
    expect(released.exitCode).toBe(0);
    const r = released.results.find((x) => x.student === "notebooks")!;
    expect(r.score).toBe(0);
    for (const e of r.exercises.filter((x) => x.lesson === 1)) {
      expect(e.status).toBe("not-implemented");
      expect(e.summary).toMatch(new RegExp(`${e.functionName} is not implemented yet`));
    }
    const md = fs.readFileSync(path.join(root, "notebooks", "feedback", "notebooks.md"), "utf8");
    expect(md).toMatch(/reparameterize is not implemented yet: write your code in place of the TODO/);
    expect(released.info.skipped.map((s) => path.basename(s.file))).toContain("00_setup_check.ipynb");
  });
});

describe("lesson 2 (from a generated template, until solutions/02 lands)", () => {
  it("gives right answers full marks and the stubs 0 with 'not implemented yet'", async () => {
    const templates = templatesDir(correctSources.elbo, correctSources.slerp);
    const subs = path.join(root, "l2subs");
    const t2 = lesson2Template(correctSources.elbo, correctSources.slerp);
    writeNotebook(subs, "ada_02_mnist_vae.ipynb", submission(t2, correctSources));
    const stub = (name: string, sig: string) =>
      `function ${name}${sig} {\n  // TODO: your code here\n  throw new NotImplementedError("${name}");\n}`;
    writeNotebook(
      subs,
      "bo_02_mnist_vae.ipynb",
      submission(t2, {
        elbo: stub("elbo", "(x: tf.Tensor2D, logits: tf.Tensor2D, mu: tf.Tensor2D, logVar: tf.Tensor2D)"),
        slerp: stub("slerp", "(z0: number[], z1: number[], t: number): number[]"),
      }),
    );
    const b = await gradeBatch({
      inputs: [subs],
      outDir: path.join(root, "l2"),
      templatesDir: templates,
      progress: false,
    });
    expect(b.info.exerciseIds).toEqual(["elbo", "slerp"]);
    expect(b.results.find((r) => r.student === "ada")).toMatchObject({ score: 6, maxScore: 6 });
    const bo = b.results.find((r) => r.student === "bo")!;
    expect(bo.score).toBe(0);
    expect(bo.exercises.map((e) => e.status)).toEqual(["not-implemented", "not-implemented"]);
  });
});

describe("batches", () => {
  let subs: string;
  beforeAll(() => {
    subs = path.join(root, "batch");
    const templates = path.join(projectDir, "solutions");
    const t1 = JSON.parse(fs.readFileSync(path.join(templates, "01_swiss_roll_vae.ipynb"), "utf8"));
    writeNotebook(subs, "x_01_swiss_roll_vae.ipynb", submission(t1, correctSources));
    writeNotebook(
      subs,
      "y_01_swiss_roll_vae.ipynb",
      submission(t1, {
        reparameterize: correctSources.reparameterize.replace("0.5", "1.0"),
        computeVaeLoss: correctSources.computeVaeLoss,
      }),
    );
    writeNotebook(subs, "z_01_swiss_roll_vae.ipynb", "not a notebook");
  });

  it("give the same grades and the same reports when run again (idempotent, atomic)", async () => {
    const out = path.join(root, "again");
    const a = await gradeBatch({ inputs: [subs], outDir: out, progress: false, jobs: 2 });
    const csv = fs.readFileSync(path.join(out, "gradebook.csv"), "utf8");
    const fb = fs.readFileSync(path.join(out, "feedback", "y.md"), "utf8");
    const b = await gradeBatch({ inputs: [subs], outDir: out, progress: false, jobs: 1 });
    expect(b.results.map((r) => [r.student, r.score, r.exercises.map((e) => e.tests.map((t) => t.score))])).toEqual(
      a.results.map((r) => [r.student, r.score, r.exercises.map((e) => e.tests.map((t) => t.score))]),
    );
    expect(fs.readFileSync(path.join(out, "gradebook.csv"), "utf8")).toBe(csv);
    expect(fs.readFileSync(path.join(out, "feedback", "y.md"), "utf8")).toBe(fb);
    const leftovers = fs
      .readdirSync(out, { recursive: true })
      .map(String)
      .filter((f) => /\.tmp-|\.incoming-/.test(f));
    expect(leftovers).toEqual([]);
    expect(csv).toBe(
      "student,reparameterize,computeVaeLoss,total,max,status\r\nx,4,4,8,8,graded\r\ny," +
        a.results[1].exercises[0].score +
        ",4," +
        a.results[1].score +
        ",8,graded\r\nz,0,0,0,8,unreadable\r\n",
    );
    expect(a.results[1].exercises[0].hint).toBe(
      exercises.reparameterize.mistakes.find((m) => m.id === "sigma-is-exp-logvar")!.hint,
    );
  });

  it("write results.json with everything and a Gradescope results.json per submission", async () => {
    const out = path.join(root, "again");
    const all = JSON.parse(fs.readFileSync(path.join(out, "results.json"), "utf8"));
    expect(all.exercises).toEqual(["reparameterize", "computeVaeLoss"]);
    expect(all.manifest).toHaveLength(
      MANIFEST.filter((t) => t.exercise === "reparameterize" || t.exercise === "computeVaeLoss").length,
    );
    expect(all.students.map((s: { student: string }) => s.student)).toEqual(["x", "y", "z"]);
    const gs = JSON.parse(fs.readFileSync(path.join(out, "gradescope", "y", "results.json"), "utf8"));
    expect(gs.score).toBe(all.students[1].score);
    expect(gs.tests).toHaveLength(
      MANIFEST.filter((t) => t.exercise === "reparameterize" || t.exercise === "computeVaeLoss").length,
    );
    for (const t of gs.tests) {
      expect(Object.keys(t).sort()).toEqual([
        "max_score",
        "name",
        "number",
        "output",
        "output_format",
        "score",
        "status",
        "tags",
        "visibility",
      ]);
      expect(["passed", "failed"]).toContain(t.status);
      expect(["visible", "after_published"]).toContain(t.visibility);
    }
    expect(gs.tests.reduce((s: number, t: { max_score: number }) => s + t.max_score, 0)).toBeCloseTo(8);
  });

  it("exit 0 when students fail, 1 when grading itself fails, 2 on bad usage (a missing input too); vae-lab grade is the same command", async () => {
    const quiet = { write: () => true };
    const saved = [process.stdout.write, process.stderr.write];
    process.stdout.write = quiet.write as never;
    process.stderr.write = quiet.write as never;
    try {
      expect(await main([subs, "--out", path.join(root, "cli"), "--jobs", "2"])).toBe(0);
      expect(await main([])).toBe(2);
      expect(await main([subs, "--out", path.join(root, "cli2"), "--templates", path.join(root, "no-such-dir")])).toBe(
        1,
      );
      expect(await main([path.join(root, "missing-input")])).toBe(2);
    } finally {
      [process.stdout.write, process.stderr.write] = saved;
    }
    const bin = spawnSync(
      process.execPath,
      [path.join(projectDir, "grading", "bin", "vae-lab.mjs"), "grade", "--help"],
      { encoding: "utf8" },
    );
    expect(bin.status, bin.stderr).toBe(0);
    expect(bin.stdout).toMatch(/vae-lab grade <notebooks or folders/);
    const broken = await gradeBatch({
      inputs: [subs],
      outDir: path.join(root, "broken"),
      progress: false,
      limits: { startMs: 1 },
    });
    expect(broken.exitCode).toBe(1);
    expect(broken.info.graderErrors.join()).toMatch(/runner did not start/);
    expect(fs.readFileSync(path.join(root, "broken", "summary.md"), "utf8")).toMatch(/Grader error/);
    // Loud everywhere: no plain 0 in the gradebook, the notebooks' status, the TA's list, the feedback.
    const csv = fs.readFileSync(path.join(root, "broken", "gradebook.csv"), "utf8").split("\r\n");
    expect(csv[1]).toMatch(/^x,,,,8,GRADER ERROR \(not graded: see results\.json\)$/);
    const all = JSON.parse(fs.readFileSync(path.join(root, "broken", "results.json"), "utf8"));
    expect(all.notebooks.find((n: { student: string }) => n.student === "x")).toMatchObject({
      status: "grader error",
      reason: expect.stringMatching(/runner did not start/),
    });
    expect(fs.readFileSync(path.join(root, "broken", "summary.html"), "utf8")).toMatch(
      /<li>x: GRADER ERROR, not graded/,
    );
    expect(fs.readFileSync(path.join(root, "broken", "feedback", "x.md"), "utf8")).toMatch(
      /The grader had a problem with your submission \(not your fault\)/,
    );
    expect(fs.readFileSync(path.join(root, "broken", "exports", "canvas.csv"), "utf8")).toContain("\r\nx,,,,,\r\n");
  });
});
