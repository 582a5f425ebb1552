/**
 * Lesson 3 through the whole grader, like lessons 1–2: a notebook with the three solution cells
 * (betaSchedule, activeUnits, centroidDirection) scores full marks when right, 0 with "not
 * implemented yet" as released, partial credit per test for a catalogued mistake; its Gradescope
 * results.json carries the manifest's lesson-3 test ids and points. The notebook is a minimal
 * stand-in (testing/fixtures.ts lesson3Template); the real solutions/03_beta_vae_conv.ipynb is
 * checked as a template when solutions/ holds it, and graded by grade.test.ts ("every solved lesson
 * in solutions/ full marks").
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exercises } from "../exercises/index";
import { correctSources, mistakeSources } from "./catalogue";
import { gradeBatch, type BatchResult } from "./grade";
import { projectDir } from "./jail/bundle";
import { testsOf } from "./manifest";
import { loadTemplate } from "./template";
import { LESSON3, lesson3Template, submission, tempDir, templatesDir, writeNotebook } from "./testing/fixtures";

const IDS = ["betaSchedule", "activeUnits", "centroidDirection"];
const SIGNATURES: Record<string, string> = {
  betaSchedule: "(epochsDone: number, betaMax: number, warmupEpochs: number): number",
  activeUnits: "(mu: number[][], threshold: number): { variance: number[]; count: number }",
  centroidDirection: "(codesFrom: number[][], codesTo: number[][]): number[]",
};
/** The released form of a solution cell: the signature, a TODO and the stub's error. */
const stub = (id: string) =>
  `function ${id}${SIGNATURES[id]} {\n  // TODO: your code here\n  throw new NotImplementedError("${id}");\n}`;

let root: string, batch: BatchResult;
const student = (name: string) => batch.results.find((r) => r.student === name)!;
const exercise = (name: string, id: string) => student(name).exercises.find((e) => e.id === id)!;

beforeAll(async () => {
  root = tempDir("lesson3");
  const templates = templatesDir(correctSources.elbo, correctSources.slerp, correctSources);
  const t3 = lesson3Template(correctSources);
  const subs = path.join(root, "subs");
  writeNotebook(subs, `ada_${LESSON3}.ipynb`, submission(t3, correctSources));
  writeNotebook(subs, `bo_${LESSON3}.ipynb`, submission(t3, Object.fromEntries(IDS.map((id) => [id, stub(id)]))));
  writeNotebook(
    subs,
    `cy_${LESSON3}.ipynb`,
    submission(t3, {
      ...correctSources,
      activeUnits: mistakeSources.activeUnits["sample-variance"],
      centroidDirection: mistakeSources.centroidDirection["normalised"],
    }),
  );
  batch = await gradeBatch({
    inputs: [subs],
    outDir: path.join(root, "out"),
    templatesDir: templates,
    jobs: 2,
    progress: false,
  });
}, 600_000);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe("grading lesson 3", () => {
  it("gives right answers full marks: 2 points per exercise, 6 for the lesson", () => {
    expect(batch.exitCode).toBe(0);
    expect(batch.info.exerciseIds).toEqual(IDS);
    expect(student("ada").exercises.map((e) => [e.id, e.status, e.score, e.maxScore])).toEqual(
      IDS.map((id) => [id, "graded", 2, exercises[id].points]),
    );
    expect(student("ada")).toMatchObject({ score: 6, maxScore: 6 });
  });

  it("gives the released stubs 0 with a clear 'not implemented yet'", () => {
    expect(student("bo").score).toBe(0);
    for (const e of student("bo").exercises) {
      expect(e.status).toBe("not-implemented");
      expect(e.summary).toContain(`${e.functionName} is not implemented yet`);
    }
  });

  it("gives a catalogued mistake partial credit per test, its hint, and leaves the right exercise alone", () => {
    expect(exercise("cy", "betaSchedule").score).toBe(2);
    const units = exercise("cy", "activeUnits");
    expect(units.mistakeId).toBe("sample-variance");
    expect(units.score).toBeGreaterThan(0);
    expect(units.score).toBeLessThan(2);
    // n − 1: the variances are wrong (public and hidden), the counts mostly not, mu is left alone.
    const status = Object.fromEntries(units.tests.map((t) => [t.id, t.status]));
    expect(status).toMatchObject({
      "activeUnits.public.variance": "failed",
      "activeUnits.hidden.variance": "failed",
      "activeUnits.hidden.inputs-unchanged": "passed",
      "activeUnits.public.shape": "passed",
    });
    const direction = exercise("cy", "centroidDirection");
    expect(direction.mistakeId).toBe("normalised");
    expect(direction.score).toBeGreaterThan(0);
    expect(direction.score).toBeLessThan(2);
  });

  it("writes Gradescope results with lesson 3's stable test ids and points", () => {
    const gs = JSON.parse(fs.readFileSync(path.join(root, "out", "gradescope", "ada", "results.json"), "utf8"));
    const manifest = IDS.flatMap((id) => testsOf(id));
    expect(
      gs.tests.map((t: { number: string; max_score: number; visibility: string }) => [
        t.number,
        t.max_score,
        t.visibility,
      ]),
    ).toEqual(manifest.map((t) => [t.id, t.points, t.visibility]));
    expect(gs.score).toBe(6);
    const cy = JSON.parse(fs.readFileSync(path.join(root, "out", "gradescope", "cy", "results.json"), "utf8"));
    expect(cy.output).toContain(exercises.activeUnits.mistakes.find((m) => m.id === "sample-variance")!.hint);
  });
});

const real = path.join(projectDir, "solutions", `${LESSON3}.ipynb`);
describe("the lesson-3 notebook in solutions/", () => {
  it.skipIf(!fs.existsSync(real))("is a template with the three exercises in order (cells matched by grade_id)", () => {
    const t = loadTemplate(real);
    expect(t.lesson).toBe(3);
    expect(t.exerciseIds).toEqual(IDS);
    expect(t.functions).toEqual(
      Object.fromEntries(IDS.map((id) => [id, { name: id, signature: exercises[id].signature }])),
    );
  });
});
