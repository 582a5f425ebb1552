/**
 * Lesson 3: the β warm-up (KL annealing: Bowman et al., "Generating Sentences from a Continuous
 * Space", 2016; Sønderby et al., "Ladder Variational Autoencoders", 2016). The KL term's weight for
 * the epoch that follows `epochsDone` finished epochs rises linearly from 0 to betaMax over
 * `warmupEpochs` epochs, then stays at betaMax:
 *   β = betaMax · min(1, epochsDone / warmupEpochs),   β = betaMax when warmupEpochs = 0.
 * The reference is the training loop's own schedule (`betaAt`), so what the learner writes is what
 * `train` does with `beta: { from: 0, to: betaMax, epochs: warmupEpochs }`.
 */
import { betaAt } from "../../src/vae/train";
import type { Call, Raw } from "../harness";
import { numberOut } from "../raw";
import type { Exercise, Probe, Probes, PublicCheck } from "../types";
import { fmt, near } from "../util";
import { betaScheduleMistakes } from "./mistakes";

export type BetaScheduleFn = (epochsDone: number, betaMax: number, warmupEpochs: number) => number;

/** β for each epochsDone in `at`, with betaMax and warmupEpochs fixed. */
export type BetaScheduleSeen = {
  /** betaMax = 4, warmupEpochs = 10, epochsDone = RAMP_AT (the warm-up itself). */
  ramp: number[];
  /** betaMax = 0.5, warmupEpochs = 4, epochsDone = 1, 3: another betaMax and warm-up length. */
  other: number[];
  /** betaMax = 4, warmupEpochs = 10, epochsDone = AFTER_AT (the warm-up is over). */
  after: number[];
  /** betaMax = 2.5, warmupEpochs = 0, epochsDone = 0, 3: no warm-up at all. */
  noWarmup: number[];
};

export const RAMP_AT = [0, 1, 2, 5, 9],
  AFTER_AT = [10, 11, 25];
const BETA_MAX = 4,
  WARMUP = 10;

/** One call of betaSchedule(epochsDone, betaMax, warmupEpochs). */
export const betaCall = (epochsDone: number, betaMax: number, warmupEpochs: number): Call => ({
  args: [{ number: epochsDone }, { number: betaMax }, { number: warmupEpochs }],
});

/** β as returned, or a CheckFailure saying what came back instead. */
export const betaOut = (r: Raw): number => numberOut(r, "the result of betaSchedule");

/** betaSchedule at each epochsDone of `at`. */
export const betaAtEpochs = (at: number[], betaMax: number, warmupEpochs: number): Probe<number[]> => ({
  calls: at.map((e) => betaCall(e, betaMax, warmupEpochs)),
  reduce: (os) => os.map((o) => betaOut(o.out)),
});

/** The same β: the reference is plain JS arithmetic, so only rounding may differ. */
export const sameBeta = (got: number, want: number) => Number.isFinite(got) && near(got, want, 1e-9, 1e-12);

const probes: Probes<BetaScheduleFn, BetaScheduleSeen> = {
  ramp: () => betaAtEpochs(RAMP_AT, BETA_MAX, WARMUP),
  other: () => betaAtEpochs([1, 3], 0.5, 4),
  after: () => betaAtEpochs(AFTER_AT, BETA_MAX, WARMUP),
  noWarmup: () => betaAtEpochs([0, 3], 2.5, 0),
};

/** "betaSchedule(5, 4, 10) should be 2, but it returned the number 3." for the first wrong one, else undefined. */
function firstWrong(
  got: number[],
  want: number[],
  at: number[],
  b: number,
  w: number,
  why: string,
): string | undefined {
  const i = got.findIndex((g, k) => !sameBeta(g, want[k]));
  return i < 0
    ? undefined
    : `betaSchedule(${at[i]}, ${b}, ${w}) should be ${fmt(want[i])}${why}, but it returned the number ${fmt(got[i])}.`;
}

const checks: PublicCheck<BetaScheduleSeen>[] = [
  {
    id: "starts-at-zero",
    name: "β is 0 before the first epoch of a warm-up (epochsDone = 0)",
    points: 0.1,
    needs: ["ramp"],
    judge: ({ ramp }) =>
      firstWrong(
        ramp.slice(0, 1),
        [0],
        RAMP_AT,
        BETA_MAX,
        WARMUP,
        " (no epoch has finished, so the warm-up has not started)",
      ),
  },
  {
    id: "ramp",
    name: "β rises linearly from 0 to betaMax over warmupEpochs epochs",
    points: 0.15,
    needs: ["ramp", "other"],
    judge: ({ ramp, other }, ref) =>
      firstWrong(ramp, ref.ramp, RAMP_AT, BETA_MAX, WARMUP, ` (betaMax · epochsDone / warmupEpochs)`) ??
      firstWrong(other, ref.other, [1, 3], 0.5, 4, ` (betaMax · epochsDone / warmupEpochs)`),
  },
  {
    id: "after-warmup",
    name: "β stays at betaMax once the warm-up is over",
    points: 0.125,
    needs: ["after"],
    judge: ({ after }, ref) =>
      firstWrong(after, ref.after, AFTER_AT, BETA_MAX, WARMUP, " (the warm-up is over: β stays at betaMax)"),
  },
  {
    id: "no-warmup",
    name: "β is betaMax from the start when warmupEpochs = 0, without dividing by zero",
    points: 0.125,
    needs: ["noWarmup"],
    judge: ({ noWarmup }, ref) =>
      firstWrong(noWarmup, ref.noWarmup, [0, 3], 2.5, 0, " (no warm-up: the full weight from the first epoch)"),
  },
];

export const betaScheduleExercise: Exercise<BetaScheduleFn, BetaScheduleSeen> = {
  id: "betaSchedule",
  lesson: 3,
  functionName: "betaSchedule",
  signature: "betaSchedule(epochsDone: number, betaMax: number, warmupEpochs: number): number",
  points: 2,
  statement:
    "Return the KL weight β for the epoch after `epochsDone` finished epochs: it rises linearly from 0 (before the first epoch) to betaMax over warmupEpochs epochs, " +
    "β = betaMax · min(1, epochsDone / warmupEpochs), and is betaMax from the start when warmupEpochs = 0.",
  reference: (epochsDone, betaMax, warmupEpochs) =>
    betaAt({ from: 0, to: betaMax, epochs: warmupEpochs }, epochsDone, 0),
  probes,
  checks,
  mistakes: betaScheduleMistakes,
};
