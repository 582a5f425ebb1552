/**
 * Hidden tests of `betaSchedule`, on settings drawn per grading run: betaMax in [0.3, 8] (never near
 * 1, where a warm-up to 1 coincides with the right one), warm-ups of 3–30 epochs, the epochs during
 * and after the warm-up, no warm-up at all (warmupEpochs = 0: betaMax, no 0/0), and warm-ups of one
 * and two epochs.
 */
import {
  betaAtEpochs,
  betaScheduleExercise,
  sameBeta,
  type BetaScheduleFn,
} from "../../exercises/betaSchedule/contract";
import type { Probe, Probes } from "../../exercises/types";
import type { Rng } from "../../src/vae/random";
import { fraction, type HiddenSuite } from "./types";

/** β at `at` epochs for (betaMax, warmupEpochs), with the settings kept for the judge. */
type Case = { at: number[]; betas: number[] };
export type BetaScheduleHiddenSeen = { ramp: Case[]; after: Case[]; noWarmup: Case[]; short: Case[] };

/** betaMax away from 1 (|betaMax − 1| ≥ 0.25). */
function betaMax(rng: Rng): number {
  for (;;) {
    const b = 0.3 + 7.7 * rng.uniform();
    if (Math.abs(b - 1) >= 0.25) return b;
  }
}

/** Several (betaMax, warmupEpochs, epochs) settings in one probe, one call per epoch. */
function cases(settings: { b: number; w: number; at: number[] }[]): Probe<Case[]> {
  const plans = settings.map(({ b, w, at }) => betaAtEpochs(at, b, w));
  return {
    calls: plans.flatMap((p) => p.calls),
    reduce: (os) => {
      let k = 0;
      return plans.map((p, i) => {
        const mine = os.slice(k, (k += p.calls.length));
        return { at: settings[i].at, betas: p.reduce(mine) };
      });
    },
  };
}

const probes: Probes<BetaScheduleFn, BetaScheduleHiddenSeen> = {
  ramp: (rng) =>
    cases(
      [0, 1, 2].map(() => {
        const w = 3 + rng.int(28);
        return { b: betaMax(rng), w, at: [0, 1 + rng.int(w - 1), 1 + rng.int(w - 1), w - 1] };
      }),
    ),
  after: (rng) =>
    cases(
      [0, 1].map(() => {
        const w = 3 + rng.int(28);
        return { b: betaMax(rng), w, at: [w, w + 1 + rng.int(3 * w)] };
      }),
    ),
  noWarmup: (rng) => cases([{ b: betaMax(rng), w: 0, at: [0, 1 + rng.int(20)] }]),
  short: (rng) =>
    cases([
      { b: betaMax(rng), w: 1, at: [0, 1, 2] },
      { b: betaMax(rng), w: 2, at: [0, 1, 2, 5] },
    ]),
};

/** One verdict per setting: all its epochs right. */
const perCase = (got: Case[], want: Case[], message: string) =>
  got.map((c, i) =>
    c.betas.length === want[i].betas.length && c.betas.every((b, k) => sameBeta(b, want[i].betas[k]))
      ? undefined
      : message,
  );

export const betaScheduleHidden: HiddenSuite<BetaScheduleFn, BetaScheduleHiddenSeen> = {
  exercise: { ...betaScheduleExercise, id: "betaSchedule:hidden", probes, checks: [], mistakes: [] },
  checks: [
    {
      id: "ramp",
      points: 0.75,
      name: "rises linearly from 0 to betaMax during warm-ups of several lengths and betaMax values",
      category: "values",
      needs: ["ramp"],
      judge: ({ ramp }, { ramp: want }) =>
        fraction(
          perCase(
            ramp,
            want,
            "during a hidden warm-up, β should be betaMax · epochsDone / warmupEpochs (0 before the first epoch).",
          ),
        ),
    },
    {
      id: "after-warmup",
      points: 0.25,
      name: "stays at betaMax after the warm-up",
      category: "values",
      needs: ["after"],
      judge: ({ after }, { after: want }) =>
        fraction(perCase(after, want, "once warmupEpochs epochs have finished, β should stay at betaMax.")),
    },
    {
      id: "no-warmup",
      points: 0.25,
      name: "is betaMax from the start when warmupEpochs = 0",
      category: "edge case",
      needs: ["noWarmup"],
      judge: ({ noWarmup }, { noWarmup: want }) =>
        fraction(
          perCase(
            noWarmup,
            want,
            "with warmupEpochs = 0 there is no warm-up: β should be betaMax from the first epoch (and never NaN).",
          ),
        ),
    },
    {
      id: "short-warmup",
      points: 0.25,
      name: "handles warm-ups of one and two epochs",
      category: "edge case",
      needs: ["short"],
      judge: ({ short }, { short: want }) =>
        fraction(
          perCase(
            short,
            want,
            "for a warm-up of one or two epochs, β should be 0, then betaMax · epochsDone / warmupEpochs, then betaMax.",
          ),
        ),
    },
  ],
};
