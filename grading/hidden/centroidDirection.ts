/**
 * Hidden tests of `centroidDirection`, on codes drawn per grading run: two groups of 5–40 codes (of
 * different sizes) of 2–16 latent dimensions around centres whose distance is far from 1 (so a
 * normalised direction is never right by chance); one code against thirty and twenty-five against
 * two; and that the codes are left unchanged.
 */
import {
  centroidDirectionExercise,
  directionCall,
  directionOut,
  sameDirection,
  type CentroidDirectionFn,
} from "../../exercises/centroidDirection/contract";
import { eachCall, rowsUnchanged } from "../../exercises/raw";
import type { Probe, Probes } from "../../exercises/types";
import type { Rng } from "../../src/vae/random";
import { fraction, type HiddenSuite } from "./types";

export type CentroidDirectionHiddenSeen = { direction: number[][]; unequal: number[][]; unchanged: boolean };

const group = (rng: Rng, n: number, centre: number[]) =>
  Array.from({ length: n }, () => centre.map((c) => c + 0.7 * rng.normal()));

/** Two groups of `nFrom` and `nTo` codes whose centres are 1.5–4 apart. */
function groups(rng: Rng, latentDim: number, nFrom: number, nTo: number): [number[][], number[][]] {
  const a = Array.from({ length: latentDim }, () => -1 + 2 * rng.uniform());
  const dir = Array.from({ length: latentDim }, () => rng.normal());
  const len = Math.hypot(...dir),
    dist = 1.5 + 2.5 * rng.uniform();
  return [
    group(rng, nFrom, a),
    group(
      rng,
      nTo,
      a.map((v, d) => v + (dist * dir[d]) / len),
    ),
  ];
}

const several = (pairs: [number[][], number[][]][]): Probe<number[][]> =>
  eachCall(
    pairs.map(([f, t]) => directionCall(f, t)),
    directionOut,
  );

/** Group sizes 5–40 that differ. */
function sizes(rng: Rng): [number, number] {
  const a = 5 + rng.int(36);
  let b = 5 + rng.int(35);
  if (b >= a) b++;
  return [a, b];
}

const probes: Probes<CentroidDirectionFn, CentroidDirectionHiddenSeen> = {
  direction: (rng) => several([0, 1, 2].map(() => groups(rng, 2 + rng.int(15), ...sizes(rng)))),
  unequal: (rng) => several([groups(rng, 2 + rng.int(7), 1, 30), groups(rng, 2 + rng.int(7), 25, 2)]),
  unchanged: (rng) => {
    const [f, t] = groups(rng, 5, 12, 8);
    return {
      calls: [directionCall(f, t, true)],
      reduce: ([o]) => (directionOut(o.out), rowsUnchanged(o.argsAfter?.[0], f) && rowsUnchanged(o.argsAfter?.[1], t)),
    };
  },
};

const each = (got: number[][], want: number[][], message: string) =>
  got.map((d, i) => (sameDirection(d, want[i]) ? undefined : message));

export const centroidDirectionHidden: HiddenSuite<CentroidDirectionFn, CentroidDirectionHiddenSeen> = {
  exercise: { ...centroidDirectionExercise, id: "centroidDirection:hidden", probes, checks: [], mistakes: [] },
  checks: [
    {
      id: "direction",
      points: 0.75,
      name: "is mean(codesTo) − mean(codesFrom) for groups of codes of several sizes and dimensions",
      category: "values",
      needs: ["direction"],
      judge: ({ direction }, { direction: want }) =>
        fraction(
          each(
            direction,
            want,
            "for hidden groups of codes, the direction should be mean(codesTo) − mean(codesFrom), one number per latent dimension, not normalised.",
          ),
        ),
    },
    {
      id: "unequal-counts",
      points: 0.5,
      name: "groups of very different sizes: one code against thirty, twenty-five against two",
      category: "edge case",
      needs: ["unequal"],
      judge: ({ unequal }, { unequal: want }) =>
        fraction(
          each(
            unequal,
            want,
            "when one group has far more codes than the other, each mean should divide by its own group's size.",
          ),
        ),
    },
    {
      id: "inputs-unchanged",
      points: 0.25,
      name: "leaves codesFrom and codesTo unchanged",
      category: "side effects",
      needs: ["unchanged"],
      judge: ({ unchanged }) =>
        unchanged
          ? { score: 1 }
          : { score: 0, message: "centroidDirection modified the codes it was given: start its sums from new arrays." },
    },
  ],
};
