/**
 * The manifest: every test the grader scores, its points and who sees it. Scores come only from
 * here — a test that did not run, was skipped or crashed scores 0, and nothing a submission does can
 * add a test. It is derived, in lesson order, from the exercises' public checks (the learner ran them
 * in the notebook) and their hidden suites (./hidden), each test declaring its id and points next to
 * its judge; manifest.test.ts keeps the ids stable and each exercise's points equal to its contract's.
 */
import { exercises } from "../exercises/index";
import { hiddenSuites } from "./hidden/index";

export type Visibility = "visible" | "after_published" | "hidden" | "after_due_date";

export interface ManifestTest {
  /** Stable id: "<exercise>.<public|hidden>.<check id>". */
  id: string;
  exercise: string;
  suite: "public" | "hidden";
  /** The public check's name (as results.json has always said), or the hidden check's id. */
  check: string;
  points: number;
  visibility: Visibility;
}

function derive(): ManifestTest[] {
  return Object.values(exercises).flatMap((ex) => [
    ...ex.checks.map((c) => ({
      id: `${ex.id}.public.${c.id}`,
      exercise: ex.id,
      suite: "public" as const,
      check: c.name,
      points: c.points,
      visibility: "visible" as const,
    })),
    // Hidden tests' results (name, category, hint — never inputs) show once grades are published.
    ...(hiddenSuites[ex.id]?.checks ?? []).map((c) => ({
      id: `${ex.id}.hidden.${c.id}`,
      exercise: ex.id,
      suite: "hidden" as const,
      check: c.id,
      points: c.points,
      visibility: "after_published" as const,
    })),
  ]);
}

export const MANIFEST: readonly ManifestTest[] = Object.freeze(derive().map((t) => Object.freeze(t)));

export const testsOf = (exercise: string) => MANIFEST.filter((t) => t.exercise === exercise);
export const pointsOf = (exercise: string) => testsOf(exercise).reduce((s, t) => s + t.points, 0);
