/**
 * The wrong-answer catalogue through the whole grader: every known mistake of every exercise,
 * written as a student would, handed in as a notebook, must lose points and get its own hint —
 * and the right answers score full marks.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exercises } from "../exercises/index";
import { mistakeCatalogue } from "../exercises/index";
import { correctSources, mistakeSources } from "./catalogue";
import { gradeBatch, type BatchResult } from "./grade";
import { LESSON3, lesson1Template, submission, tempDir, templatesDir, writeNotebook } from "./testing/fixtures";

let batch: BatchResult;
let root: string;
const studentFor = (ex: string, id: string) => `${ex}--${id}`;
const LESSON_FILES: Record<number, string> = { 1: "01_swiss_roll_vae", 2: "02_mnist_vae", 3: LESSON3 };
/** The other exercises of an exercise's lesson (right in each mistake's hand-in). */
const partners = (id: string) =>
  Object.values(exercises)
    .filter((e) => e.lesson === exercises[id].lesson && e.id !== id)
    .map((e) => e.id);

beforeAll(async () => {
  root = tempDir("catalogue");
  const templates = templatesDir(correctSources.elbo, correctSources.slerp, correctSources);
  const template = (lesson: number) =>
    lesson === 1
      ? lesson1Template()
      : JSON.parse(fs.readFileSync(path.join(templates, `${LESSON_FILES[lesson]}.ipynb`), "utf8"));
  const subs = path.join(root, "subs");
  // One notebook per mistake; the lesson's other exercises are right, so each score isolates one mistake.
  for (const m of mistakeCatalogue) {
    const sources = {
      ...Object.fromEntries(partners(m.exerciseId).map((id) => [id, correctSources[id]])),
      [m.exerciseId]: mistakeSources[m.exerciseId][m.id],
    };
    const lesson = exercises[m.exerciseId].lesson;
    writeNotebook(
      subs,
      `${studentFor(m.exerciseId, m.id)}_${LESSON_FILES[lesson]}.ipynb`,
      submission(template(lesson), sources),
    );
  }
  for (const lesson of [1, 2, 3])
    writeNotebook(
      path.join(subs, "right"),
      `${LESSON_FILES[lesson]}.ipynb`,
      submission(template(lesson), correctSources),
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

describe("the wrong-answer catalogue", () => {
  it("holds at least 15 mistakes, each with a student-written hand-in", () => {
    expect(mistakeCatalogue.length).toBeGreaterThanOrEqual(15);
    for (const m of mistakeCatalogue)
      expect(mistakeSources[m.exerciseId]?.[m.id], `${m.exerciseId}/${m.id}`).toBeTypeOf("string");
  });

  it("gives the right answers full marks on every exercise of the three lessons", () => {
    const right = batch.results.find((r) => r.student === "right")!;
    expect(right.exercises.map((e) => [e.id, e.score])).toEqual(
      Object.values(exercises).map((ex) => [ex.id, ex.points]),
    );
    expect(right.score).toBe(20);
    expect(batch.exitCode).toBe(0);
  });

  it.each(mistakeCatalogue.map((m) => [`${m.exerciseId}/${m.id}`, m] as const))(
    "%s loses points and gets its own hint",
    (_, m) => {
      const r = batch.results.find((x) => x.student === studentFor(m.exerciseId, m.id))!;
      const e = r.exercises.find((x) => x.id === m.exerciseId)!;
      expect(e.status).toBe("graded");
      expect(e.score).toBeLessThan(e.maxScore);
      expect(e.mistakeId).toBe(m.id);
      expect(e.hint).toBe(m.hint);
      // The lesson's other exercises were right: full marks, no hint — except that computeVaeLoss calls
      // the student's own reparameterize (as in the notebook), so a wrong one may cost points there too.
      for (const id of m.exerciseId === "reparameterize" ? [] : partners(m.exerciseId)) {
        const other = r.exercises.find((x) => x.id === id)!;
        expect(other.score, id).toBe(other.maxScore);
        expect(other.hint, id).toBeUndefined();
      }
      expect(fs.readFileSync(path.join(root, "out", "feedback", `${r.student}.md`), "utf8")).toContain(m.hint);
    },
  );

  it("gives partial credit per test: a KL with the wrong sign still gets recon right on the hidden batch", () => {
    const e = batch.results
      .find((x) => x.student === studentFor("computeVaeLoss", "kl-sign-flipped"))!
      .exercises.find((x) => x.id === "computeVaeLoss")!;
    const t = e.tests.find((x) => x.id === "computeVaeLoss.hidden.values-beta")!;
    expect(t.status).toBe("partial");
    expect(t.score).toBeCloseTo(t.maxScore / 3, 6); // recon right; kl and total wrong
  });

  it("counts the mistakes in the class summary, with percentages", () => {
    const summary = fs.readFileSync(path.join(root, "out", "summary.md"), "utf8");
    const m = exercises.reparameterize.mistakes.find((x) => x.id === "sigma-is-exp-logvar")!;
    expect(summary).toMatch(
      new RegExp(`\\d+% \\(1 of \\d+\\) — reparameterize: ${m.description.replace(/[()½·]/g, ".")}`),
    );
    const html = fs.readFileSync(path.join(root, "out", "summary.html"), "utf8");
    expect(html).toContain("<svg");
    expect(html).toContain("Most common mistakes");
  });
});
