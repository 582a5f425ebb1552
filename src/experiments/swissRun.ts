/**
 * A Swiss-roll run of a sweep: lesson 1's model trained on fresh batches of points, with a curve
 * point (training means since the last point, held-out loss now) every tenth of the steps.
 */
import { swissRollSampler } from "../vae/data/swissRoll";
import { evaluate } from "../vae/evaluate";
import type { Vae } from "../vae/types";
import { train, type TrainingData } from "../vae/train";
import { runMetrics, type HistoryPoint, type RunMetrics } from "./results";
import type { RunData } from "./runData";
import type { RunProgress } from "./runner";
import type { RunConfig } from "./sweeps";

/** Swiss-roll curve points per run. */
const SWISS_HISTORY_POINTS = 10;

/** Trains on the Swiss roll, filling `history` every tenth of the steps; the final metrics, or undefined when stopped. */
export async function trainSwissRun(
  model: Vae,
  config: RunConfig,
  data: Extract<RunData, { kind: "swissroll" }>,
  history: HistoryPoint[],
  options: { signal?: AbortSignal; onProgress?: (p: RunProgress) => void },
): Promise<RunMetrics | undefined> {
  const steps = config.steps ?? 0;
  const every = Math.max(1, Math.floor(steps / SWISS_HISTORY_POINTS));
  const evalOptions = { reduction: "sum" as const, seed: config.seed };
  const n = data.test.length / 2;
  let sums = { recon: 0, kl: 0, count: 0 };
  let beta = 0;
  const result = await train(
    model,
    swissRollSampler as TrainingData,
    {
      steps,
      batchSize: config.batchSize,
      learningRate: config.learningRate,
      beta: config.beta,
      reduction: config.reduction,
      seed: config.seed,
      snapshotEvery: every,
    },
    {
      signal: options.signal,
      onStep: (s) => {
        // The training loss uses lesson 1's mean reduction; the curve reports the per-point sums.
        sums.recon += s.recon * 2;
        sums.kl += s.kl * config.latentDim;
        sums.count++;
        beta = s.beta;
        options.onProgress?.({ fraction: s.step / s.totalSteps, where: `step ${s.step}/${steps}`, loss: s });
      },
      onSnapshot: ({ step }) => {
        const held = evaluate(model, data.test, n, 2, evalOptions);
        const c = Math.max(1, sums.count);
        history.push({
          epoch: history.length + 1,
          step,
          beta,
          trainRecon: sums.recon / c,
          trainKl: sums.kl / c,
          trainNegElbo: (sums.recon + sums.kl) / c,
          testRecon: held.recon,
          testKl: held.kl,
          testNegElbo: held.recon + held.kl,
          clusterFraction: null,
        });
        sums = { recon: 0, kl: 0, count: 0 };
      },
    },
  );
  if (result.stopped) return undefined;
  const last = history.at(-1)!; // the final snapshot evaluated the finished model
  const trainEval = evaluate(model, data.trainSample, data.trainSample.length / 2, 2, evalOptions);
  return runMetrics(trainEval, { total: last.testNegElbo, recon: last.testRecon, kl: last.testKl });
}
