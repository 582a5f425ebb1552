/** The registry of exercises, by id. */
import { computeVaeLossExercise } from "./computeVaeLoss";
import { elboExercise } from "./elbo";
import { slerpExercise } from "./slerp";
import { reparameterizeExercise } from "./reparameterize";
import type { Exercise } from "./types";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each exercise has its own function type
export const exercises: Record<string, Exercise<any>> = {
  reparameterize: reparameterizeExercise,
  computeVaeLoss: computeVaeLossExercise,
  elbo: elboExercise,
  slerp: slerpExercise,
};

export type { Exercise, Mistake, PublicCheck, CheckOutcome } from "./types";
