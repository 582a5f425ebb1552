/** The registry of exercises, by id. */
import { computeVaeLossExercise } from "./computeVaeLoss";
import { reparameterizeExercise } from "./reparameterize";
import type { Exercise } from "./types";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each exercise has its own function type
export const exercises: Record<string, Exercise<any>> = {
  reparameterize: reparameterizeExercise,
  computeVaeLoss: computeVaeLossExercise,
};

export type { Exercise, Mistake, PublicCheck, CheckOutcome } from "./types";
