/**
 * The catalogue of known wrong answers, flat: one entry per (exercise, mistake). The grader's
 * catalogue runs each `implementation` through its hidden tests (they must all fail); a learner's
 * observations are matched with `matches`/`diagnose` from ../observe, which need the exercise too.
 */
import { computeVaeLossMistakes } from "./computeVaeLoss";
import { elboMistakes } from "./elbo";
import { reparameterizeMistakes } from "./reparameterize";
import { slerpMistakes } from "./slerp";

export { computeVaeLossMistakes, elboMistakes, reparameterizeMistakes, slerpMistakes };

export const mistakeCatalogue = [
  ...reparameterizeMistakes.map((m) => ({ exerciseId: "reparameterize", ...m })),
  ...computeVaeLossMistakes.map((m) => ({ exerciseId: "computeVaeLoss", ...m })),
  ...elboMistakes.map((m) => ({ exerciseId: "elbo", ...m })),
  ...slerpMistakes.map((m) => ({ exerciseId: "slerp", ...m })),
];
