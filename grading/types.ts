/** The grader's results: per test, per exercise, per submission. Plain JSON. */
import type { Visibility } from "./manifest";

export type TestStatus = "passed" | "partial" | "failed" | "missing";

export interface TestResult {
  id: string;
  exercise: string;
  suite: "public" | "hidden";
  name: string;
  category: string;
  score: number;
  maxScore: number;
  status: TestStatus;
  visibility: Visibility;
  /** Safe for learners: written by the grader, never quoting hidden inputs or the learner's output. */
  message: string;
  /** For instructors only (results.json): what the checks said, which may quote the learner's values. */
  detail?: string;
}

export type ExerciseStatus = "graded" | "not-implemented" | "missing" | "compile-error";

export interface ExerciseResult {
  id: string;
  functionName: string;
  lesson: number;
  status: ExerciseStatus;
  score: number;
  maxScore: number;
  /** One line for the learner. */
  summary: string;
  /** Intake notes: duplicated, split, re-typed cells, look-alike names, why it is missing. */
  notes: string[];
  mistakeId?: string;
  mistakeDescription?: string;
  hint?: string;
  tests: TestResult[];
}

export interface SubmittedFile {
  source: string;
  sha256?: string;
  bytes: number;
  template?: string;
  problem?: string;
}

export interface SubmissionResult {
  student: string;
  files: SubmittedFile[];
  exercises: ExerciseResult[];
  score: number;
  maxScore: number;
  /** Notes about the submission as a whole (unreadable file, wrong kernel, unknown lesson). */
  notes: string[];
  /** How the code was confined; `warning` set when the jail was not available. */
  jail: { kind: "bwrap" | "rlimits"; warning?: string };
  /** Grader-side failure for this submission (a bug or a broken machine, not the student's fault). */
  graderError?: string;
  seconds: number;
  /** CPU time the last jailed child reported for itself (benchmarks; not trusted for grading). */
  childCpuMs?: number;
}
