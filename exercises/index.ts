/**
 * The registry of exercises, by id, in lesson order. Each entry is the whole contract: statement,
 * signature, points, reference, probes, public checks and the catalogue of known mistakes.
 */
import { computeVaeLossExercise } from "./computeVaeLoss";
import { elboExercise } from "./elbo";
import { reparameterizeExercise } from "./reparameterize";
import { slerpExercise } from "./slerp";
import type { Exercise } from "./types";

// Each exercise has its own function and observation types; the registry forgets them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyExercise = Exercise<any, any>;

export const exercises: Record<string, AnyExercise> = {
  reparameterize: reparameterizeExercise,
  computeVaeLoss: computeVaeLossExercise,
  elbo: elboExercise,
  slerp: slerpExercise,
};

export { computeVaeLossExercise, elboExercise, reparameterizeExercise, slerpExercise };
export { diagnose, judge, matches, observe } from "./observe";
export type { CheckOutcome, CheckResult, Exercise, Mistake, Observation, Observations, PublicCheck } from "./types";
