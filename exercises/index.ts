/**
 * The registry of exercises, by id, in lesson order. Each exercise is a folder, `<id>/`: its
 * contract (contract.ts: statement, signature, points, reference, probes, public checks with their
 * ids and points), its catalogue of known mistakes (mistakes.ts) and their tests. Its hidden suite
 * is the grader's (grading/hidden/<id>.ts), never shipped to learners. Everything keyed by exercise
 * (the grading manifest, the mistake catalogue) is derived from this list.
 */
import { activeUnitsExercise } from "./activeUnits/contract";
import { betaScheduleExercise } from "./betaSchedule/contract";
import { centroidDirectionExercise } from "./centroidDirection/contract";
import { computeVaeLossExercise } from "./computeVaeLoss/contract";
import { elboExercise } from "./elbo/contract";
import { reparameterizeExercise } from "./reparameterize/contract";
import { slerpExercise } from "./slerp/contract";
import type { Exercise } from "./types";

// Each exercise has its own function and observation types; the registry forgets them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyExercise = Exercise<any, any>;

const list: AnyExercise[] = [
  reparameterizeExercise,
  computeVaeLossExercise, // lesson 1
  elboExercise,
  slerpExercise, // lesson 2
  betaScheduleExercise,
  activeUnitsExercise,
  centroidDirectionExercise, // lesson 3
];

export const exercises: Record<string, AnyExercise> = Object.fromEntries(list.map((ex) => [ex.id, ex]));

/** Every known mistake of every exercise, flat: the grader's catalogue runs each through its hidden tests. */
export const mistakeCatalogue = list.flatMap((ex) => ex.mistakes.map((m) => ({ exerciseId: ex.id, ...m })));

export {
  activeUnitsExercise,
  betaScheduleExercise,
  centroidDirectionExercise,
  computeVaeLossExercise,
  elboExercise,
  reparameterizeExercise,
  slerpExercise,
};
export { diagnose, judge, matches, observe } from "./observe";
export type { CheckOutcome, CheckResult, Exercise, Mistake, Observation, Observations, PublicCheck } from "./types";
