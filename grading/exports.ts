/**
 * The formats courses import (docs/grading-reports.md shows each with a sample):
 *   gradescope/<name>/results.json   Gradescope's autograder results (specs: gradescope-autograders
 *                                    .readthedocs.io/en/latest/specs/), per student
 *   exports/canvas.csv               Canvas's gradebook import: Student, ID, SIS User ID, SIS Login ID,
 *                                    Section, one column per lesson, a "Points Possible" row
 *   exports/moodle.csv               one column per exercise, for Moodle's "Import grades → CSV file"
 *                                    (the importer maps columns to grade items and a user field)
 *   exports/github-classroom/        the result each student's run gives classroom-resources/
 *                                    autograding-grading-reporter (base64 JSON, version 1), and the
 *                                    workflow (classroom.yml) that produces it in a student's repository
 * Every CSV goes through src/csv.ts; student-controlled text in Markdown through ./escape.
 */
import * as path from "node:path";
import { csv } from "../src/csv";
import { mdText } from "./escape";
import { fileSafe, statusOf, writeAtomic, type BatchInfo } from "./report";
import type { ExerciseResult, SubmissionResult } from "./types";

const round = (n: number) => Math.round(n * 1e6) / 1e6;
const num = (n: number) => String(Math.round(n * 1000) / 1000);

export interface GradescopeTest {
  name: string;
  number: string;
  score: number;
  max_score: number;
  status: "passed" | "failed";
  visibility: string;
  output: string;
  output_format: "md";
  tags: string[];
}

export interface GradescopeResults {
  score: number;
  execution_time: number;
  output: string;
  output_format: "md";
  test_output_format: "md";
  stdout_visibility: "hidden";
  tests: GradescopeTest[];
}

/** What a student may see of one exercise before grades are published: its public checks only. */
function visibleSummary(e: ExerciseResult): string {
  const pub = e.tests.filter((t) => t.visibility === "visible");
  const passed = pub.filter((t) => t.status === "passed").length;
  const points = round(pub.reduce((s, t) => s + t.score, 0)),
    max = round(pub.reduce((s, t) => s + t.maxScore, 0));
  if (e.status === "not-implemented")
    return `**${e.functionName}** is not implemented yet: write your code in place of the TODO in its cell.`;
  if (e.status !== "graded") return `**${e.functionName}**: ${mdText(e.tests[0]?.message ?? "not graded")}.`;
  return `**${e.functionName}**: ${passed} of ${pub.length} public checks passed (${num(points)} of ${num(max)} points).`;
}

/**
 * Gradescope's results.json for one submission. Visibility follows the manifest: public checks
 * "visible", hidden tests "after_published" — and Gradescope hides a student's total while any
 * test is not yet visible, so `score` (the sum of the tests, nothing else) and the hidden tests
 * appear together when grades are published. The top-level `output` is shown at once, so it says
 * only what the public checks say (and intake notes about the student's own file); instructor-only
 * matters (the jail warning, grader errors' details) go to stdout, which Gradescope shows only to
 * instructors. All text is Markdown with student-controlled parts escaped.
 */
export function gradescopeResults(r: SubmissionResult): GradescopeResults {
  const tests: GradescopeTest[] = r.exercises.flatMap((e) =>
    e.tests.map((t) => ({
      name: `${e.functionName}: ${t.name}`,
      number: t.id,
      score: t.score,
      max_score: t.maxScore,
      status: t.status === "passed" ? ("passed" as const) : ("failed" as const),
      visibility: t.visibility,
      output: mdText(
        t.status === "passed" ? "passed" : t.status === "partial" ? `partly right: ${t.message}` : t.message,
      ),
      output_format: "md" as const,
      tags: [e.id, t.category],
    })),
  );
  const hiddenPoints = round(tests.filter((t) => t.visibility !== "visible").reduce((s, t) => s + t.max_score, 0));
  const output = [
    ...(r.graderError
      ? [
          "**The autograder had a problem with this submission (not your fault).** Your instructor can see what went wrong and will grade it again.",
        ]
      : []),
    ...r.notes.map((n) => `> ${mdText(n)}`),
    ...r.exercises.flatMap((e) => [
      visibleSummary(e),
      ...e.notes.map((n) => `- ${mdText(n)}`),
      ...(e.hint ? [`Hint: ${e.hint}`] : []),
    ]),
    ...(hiddenPoints > 0
      ? [
          `Hidden tests (${num(hiddenPoints)} points) and your total are shown when your instructor publishes the grades.`,
        ]
      : []),
  ].join("\n\n");
  return {
    score: round(tests.reduce((s, t) => s + t.score, 0)),
    execution_time: Math.round(r.seconds),
    output,
    output_format: "md",
    test_output_format: "md",
    stdout_visibility: "hidden",
    tests,
  };
}

/** What Gradescope's instructor-only stdout gets for a submission: the jail warning, grader errors. */
export function gradescopeStdout(r: SubmissionResult): string {
  return (
    [
      r.jail.warning ? `!!! ${r.jail.warning}` : "",
      r.graderError ? `GRADER ERROR: ${r.graderError}` : "",
      `score ${r.score} / ${r.maxScore}`,
    ]
      .filter(Boolean)
      .join("\n") + "\n"
  );
}

/**
 * A student's points for one lesson: null (left empty) when grading failed, or when they handed in
 * notebooks of other lessons but none of this one; an unreadable hand-in of no known lesson is 0.
 */
function lessonPoints(r: SubmissionResult, info: BatchInfo, lesson: BatchInfo["lessons"][number]): number | null {
  if (r.graderError) return null;
  const mine = info.notebooks.filter((n) => n.student === r.student);
  if (!mine.some((n) => n.lesson === lesson.stem) && !mine.every((n) => n.lesson === undefined)) return null;
  return round(r.exercises.filter((e) => lesson.exerciseIds.includes(e.id)).reduce((s, e) => s + e.score, 0));
}
const lessonMax = (r: SubmissionResult | undefined, lesson: BatchInfo["lessons"][number]) =>
  round((r?.exercises ?? []).filter((e) => lesson.exerciseIds.includes(e.id)).reduce((s, e) => s + e.maxScore, 0));

/** The name an LMS knows: the id without the LMS number we appended ("smithjane_12345" → "smithjane"). */
function lmsName(student: string, info: BatchInfo): string {
  const id = info.identities[student];
  return id?.lmsId && student.endsWith(`_${id.lmsId}`) ? student.slice(0, -id.lmsId.length - 1) : student;
}

/**
 * Canvas's gradebook import. Canvas matches rows by ID (the Canvas user id, read from Canvas's
 * download names) or SIS ids; a row without one is offered for manual matching on the import page.
 * One column per lesson, named by the lesson's file; rename a header to "<assignment> (<id>)" to
 * fill an existing assignment instead of creating one. Empty cells leave Canvas unchanged.
 */
export function canvasCsv(results: SubmissionResult[], info: BatchInfo): string {
  const rows: (string | number | null)[][] = [
    ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", ...info.lessons.map((l) => l.stem)],
  ];
  rows.push(["Points Possible", null, null, null, null, ...info.lessons.map((l) => lessonMax(results[0], l))]);
  for (const r of results) {
    const id = info.identities[r.student];
    rows.push([
      lmsName(r.student, info),
      id?.lms === "canvas" ? (id.lmsId ?? null) : null,
      null,
      null,
      null,
      ...info.lessons.map((l) => lessonPoints(r, info, l)),
    ]);
  }
  return csv(rows);
}

/**
 * A plain per-exercise CSV for Moodle's grade import ("Import → CSV file"): map "Email address"
 * (or "Student") to a user field and each exercise column to a grade item. "Moodle participant"
 * is the number in Moodle's download names, the one its offline grading worksheet calls
 * "Participant <n>".
 */
export function moodleCsv(results: SubmissionResult[], info: BatchInfo): string {
  const rows: (string | number | null)[][] = [
    [
      "Student",
      "Full name",
      "Email address",
      "Moodle participant",
      ...info.exerciseIds.map((id) => `${id} (${num(results[0]?.exercises.find((e) => e.id === id)?.maxScore ?? 0)})`),
      "Total",
      "Status",
    ],
  ];
  for (const r of results) {
    const id = info.identities[r.student];
    rows.push([
      r.student,
      lmsName(r.student, info),
      id?.email ?? null,
      id?.lms === "moodle" ? (id.lmsId ?? null) : null,
      ...info.exerciseIds.map((x) => (r.graderError ? null : (r.exercises.find((e) => e.id === x)?.score ?? 0))),
      r.graderError ? null : r.score,
      statusOf(r, info),
    ]);
  }
  return csv(rows);
}

export interface ClassroomResult {
  version: 1;
  status: "pass" | "fail" | "error";
  max_score: number;
  tests: {
    name: string;
    status: "pass" | "fail" | "error";
    score: number;
    message: string;
    test_code: string;
    filename: string;
    line_no: number;
    duration: number;
  }[];
}

/** The result JSON a runner hands autograding-grading-reporter (base64 of this, as the step's `result` output). */
export function classroomResult(r: SubmissionResult): ClassroomResult {
  const tests = r.exercises.flatMap((e) =>
    e.tests.map((t) => ({
      name: `${e.functionName}: ${t.name}`,
      status: r.graderError ? ("error" as const) : t.status === "passed" ? ("pass" as const) : ("fail" as const),
      score: r.graderError ? 0 : t.score,
      message: r.graderError
        ? "the grader had a problem (not your fault); your instructor will grade it again"
        : t.status === "passed"
          ? "passed"
          : t.message,
      test_code: "",
      filename: "",
      line_no: 0,
      duration: 0,
    })),
  );
  const status = r.graderError ? "error" : tests.every((t) => t.status === "pass") ? "pass" : "fail";
  return { version: 1, status, max_score: round(r.maxScore), tests };
}

/** The runner id in the workflow: the reporter reads `${RUNNER}_RESULTS` and accepts [a-zA-Z0-9]+ only. */
export const CLASSROOM_RUNNER = "vaelab";

/**
 * .github/workflows/classroom.yml for the assignment's template repository. The reporter needs
 * this workflow name and job name. The grader (with the hidden tests) is the Gradescope zip of
 * `npm run grade:gradescope`, fetched from a URL kept in the organisation secret
 * VAE_LAB_GRADER_URL, never committed to students' repositories.
 */
export const CLASSROOM_WORKFLOW = `name: Autograding Tests
'on':
  - push
  - repository_dispatch
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  run-autograding-tests:
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    steps:
      - name: Checkout code
        uses: actions/checkout@v4
        with:
          path: submission
      - uses: actions/setup-node@v4
        with:
          node-version: 22
      - name: Install the grader
        env:
          VAE_LAB_GRADER_URL: \${{ secrets.VAE_LAB_GRADER_URL }}
        run: |
          sudo apt-get install -y -qq bubblewrap
          curl -fsSL "$VAE_LAB_GRADER_URL" -o autograder.zip
          python3 -m zipfile -e autograder.zip autograder
          cd autograder/vae-lab && npm install --omit=dev --ignore-scripts --no-audit --no-fund
      - name: vae-lab
        id: ${CLASSROOM_RUNNER}
        run: node autograder/vae-lab/node_modules/tsx/dist/cli.mjs autograder/vae-lab/grading/github/run.ts --submission submission
      - name: Autograding Reporter
        uses: classroom-resources/autograding-grading-reporter@v1
        env:
          ${CLASSROOM_RUNNER.toUpperCase()}_RESULTS: "\${{ steps.${CLASSROOM_RUNNER}.outputs.result }}"
        with:
          runners: ${CLASSROOM_RUNNER}
`;

/** Writes gradescope/, exports/canvas.csv, exports/moodle.csv and exports/github-classroom/. */
export function writeExports(outDir: string, results: SubmissionResult[], info: BatchInfo): void {
  for (const r of results) {
    const name = info.outputNames[r.student] ?? fileSafe(r.student);
    writeAtomic(
      path.join(outDir, "gradescope", name, "results.json"),
      JSON.stringify(gradescopeResults(r), null, 2) + "\n",
    );
    writeAtomic(
      path.join(outDir, "exports", "github-classroom", `${name}.json`),
      JSON.stringify(classroomResult(r), null, 2) + "\n",
    );
  }
  writeAtomic(path.join(outDir, "exports", "github-classroom", "classroom.yml"), CLASSROOM_WORKFLOW);
  writeAtomic(path.join(outDir, "exports", "canvas.csv"), canvasCsv(results, info));
  writeAtomic(path.join(outDir, "exports", "moodle.csv"), moodleCsv(results, info));
}
