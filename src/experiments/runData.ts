/**
 * The data a run trains and is evaluated on, loaded once per dataset and seed. MNIST: the embedded
 * digits split 90/10 by the seed, or the IDX folder's train/test files (`loadMnistData`, the MNIST
 * job's loader). Swiss roll: fresh batches for training; two fixed samples ("train" and held-out) for
 * evaluation — the roll has no fixed training set, so the two differ only by sampling noise.
 */
import { swissRoll } from "../vae/data/swissRoll";
import { loadMnistData, type MnistData } from "../mnistJob";
import { Rng } from "../vae/random";
import { EMBEDDED, isSwissRoll, type RunConfig } from "./sweeps";

/** Held-out Swiss-roll points per evaluation (2,000: ~0.8 s at hidden 1024 on WASM). */
export const SWISS_EVAL_POINTS = 2000;

export type RunData =
  | { kind: "mnist"; mnist: MnistData }
  | { kind: "swissroll"; trainSample: Float32Array; test: Float32Array; source: string };

/** The data for `config`, from `cache` when a run with the same dataset and seed loaded it. */
export function loadRunData(config: RunConfig, cache = new Map<string, RunData>()): RunData {
  const key = `${config.dataset}|${config.seed}`;
  let data = cache.get(key);
  if (!data) {
    if (isSwissRoll(config)) {
      const rng = new Rng(config.seed);
      data = {
        kind: "swissroll",
        trainSample: swissRoll(SWISS_EVAL_POINTS, rng.fork("train-sample")).points,
        test: swissRoll(SWISS_EVAL_POINTS, rng.fork("test")).points,
        source: "the Swiss roll (fresh batches of points for training, 2,000 held-out points)",
      };
    } else {
      data = {
        kind: "mnist",
        mnist: loadMnistData(config.dataset === EMBEDDED ? undefined : config.dataset, config.seed),
      };
    }
    cache.set(key, data);
  }
  return data;
}
