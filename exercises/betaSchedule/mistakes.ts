/** Wrong answers learners write for `betaSchedule`, with detectors on the probes' observations (./contract.ts). */
import type { Mistake } from "../types";
import { near } from "../util";
import type { BetaScheduleFn, BetaScheduleSeen } from "./contract";

type M = Mistake<BetaScheduleFn, BetaScheduleSeen>;

/** Every value the same as the mistake's own (NaN matching NaN). */
const same = (a: number[], b: number[]) =>
  a.length === b.length && a.every((v, i) => (Number.isNaN(b[i]) ? Number.isNaN(v) : near(v, b[i], 1e-9, 1e-12)));

export const betaScheduleMistakes: M[] = [
  {
    id: "warmup-to-one",
    description: "warms up to 1 instead of betaMax",
    hint: "Your β rises to 1, whatever betaMax is: the warm-up's fraction min(1, epochsDone / warmupEpochs) must be multiplied by betaMax.",
    implementation: (e, _b, w) => (w === 0 ? 1 : Math.min(1, e / w)),
    needs: ["ramp", "after"],
    detect: ({ ramp, after }, own) => same(ramp, own.ramp) && same(after, own.after),
  },
  {
    id: "epoch-off-by-one",
    description: "counts the epoch about to run: betaMax · (epochsDone + 1) / warmupEpochs",
    hint: "β is one step ahead: epochsDone counts the epochs already finished, so before the first epoch (epochsDone = 0) β is 0. Use epochsDone / warmupEpochs, not (epochsDone + 1) / warmupEpochs.",
    implementation: (e, b, w) => (w === 0 ? b : b * Math.min(1, (e + 1) / w)),
    needs: ["ramp"],
    detect: ({ ramp }, own) => same(ramp, own.ramp),
  },
  {
    id: "no-cap",
    description: "no cap at betaMax: keeps rising after the warm-up",
    hint: "After warmupEpochs epochs β keeps growing past betaMax. Cap the fraction: betaMax · min(1, epochsDone / warmupEpochs).",
    implementation: (e, b, w) => (w === 0 ? b : (b * e) / w),
    needs: ["ramp", "after"],
    detect: ({ ramp, after }, own) => same(ramp, own.ramp) && same(after, own.after),
  },
  {
    id: "zero-warmup-nan",
    description: "divides by warmupEpochs = 0: NaN at epochsDone = 0",
    hint: "With warmupEpochs = 0, epochsDone / warmupEpochs is 0 / 0 = NaN at the first epoch, and the loss becomes NaN. Treat warmupEpochs = 0 as no warm-up: return betaMax.",
    implementation: (e, b, w) => b * Math.min(1, e / w),
    needs: ["ramp", "noWarmup"],
    detect: ({ ramp, noWarmup }, own) => same(ramp, own.ramp) && Number.isNaN(noWarmup[0]),
  },
  {
    id: "decreasing",
    description: "anneals downwards: from betaMax to 0",
    hint: "Your β falls from betaMax to 0. A warm-up starts with no KL weight, so the model first learns to reconstruct, and rises to betaMax: betaMax · min(1, epochsDone / warmupEpochs).",
    implementation: (e, b, w) => (w === 0 ? b : b * Math.max(0, 1 - e / w)),
    needs: ["ramp"],
    detect: ({ ramp }, own) => same(ramp, own.ramp),
  },
  {
    id: "warmup-ignored",
    description: "no warm-up: always betaMax",
    hint: "β is betaMax from the first epoch: the warm-up is missing. Before the first epoch β is 0; it reaches betaMax after warmupEpochs epochs.",
    implementation: (_e, b) => b,
    needs: ["ramp", "after"],
    detect: ({ ramp, after }, own) => same(ramp, own.ramp) && same(after, own.after),
  },
];
