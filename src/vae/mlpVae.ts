/**
 * The MLP VAE of both lessons (Kingma & Welling, "Auto-Encoding Variational Bayes", 2014, appendix C).
 *
 *   encoder: x → [dense + ReLU] × depth → (mu, logVar)        e.g. 2 → 256 → 256 → 256 → 2+2
 *   decoder: z → [dense + ReLU] × depth (mirrored) → xHat     e.g. 2 → 256 → 256 → 256 → 2
 *
 * The two encoder heads are separate dense layers (`mu`, `logVar`), as in the lessons' PyTorch code.
 */
import * as tf from "@tensorflow/tfjs";
import type { Rng } from "./random";
import { createDense, dense, denseParamCount, denseVariableNames, type DenseLayer } from "./dense";
import type { LayerSummary, MlpVaeConfig, Vae } from "./types";

export function validateMlpConfig(config: MlpVaeConfig): void {
  const bad = (what: string) => {
    throw new Error(`MLP VAE config: ${what}`);
  };
  const posInt = (v: number) => Number.isInteger(v) && v > 0;
  if (!posInt(config.inputDim)) bad(`inputDim must be a positive integer, got ${config.inputDim}.`);
  if (!posInt(config.latentDim)) bad(`latentDim must be a positive integer, got ${config.latentDim}.`);
  if (!Array.isArray(config.hiddenDims) || !config.hiddenDims.every(posInt)) {
    bad(`hiddenDims must be a list of positive integers, got ${JSON.stringify(config.hiddenDims)}.`);
  }
  if (config.likelihood !== "gaussian" && config.likelihood !== "bernoulli") {
    bad(`likelihood must be "gaussian" or "bernoulli", got ${JSON.stringify(config.likelihood)}.`);
  }
}

export function createMlpVae(config: MlpVaeConfig, rng: Rng): Vae {
  validateMlpConfig(config);
  const { inputDim, hiddenDims, latentDim } = config;
  const initRng = rng.fork("init");

  const encoder: DenseLayer[] = [];
  let prev = inputDim;
  hiddenDims.forEach((h, i) => {
    encoder.push(createDense(`encoder/dense${i + 1}`, prev, h, "relu", initRng));
    prev = h;
  });
  const muHead = createDense("encoder/mu", prev, latentDim, "linear", initRng);
  const logVarHead = createDense("encoder/logVar", prev, latentDim, "linear", initRng);

  const decoder: DenseLayer[] = [];
  prev = latentDim;
  [...hiddenDims].reverse().forEach((h, i) => {
    decoder.push(createDense(`decoder/dense${i + 1}`, prev, h, "relu", initRng));
    prev = h;
  });
  const outHead = createDense("decoder/out", prev, inputDim, "linear", initRng);

  const layers = [...encoder, muHead, logVarHead, ...decoder, outHead];
  const variables = layers.flatMap((l) => [l.w, l.b]);
  const variableNames = layers.flatMap(denseVariableNames);

  return {
    config,
    variables,
    variableNames,
    encode(x) {
      return tf.tidy(() => {
        let h = x;
        for (const layer of encoder) h = dense(h, layer); // [batch, hidden]
        return { mu: dense(h, muHead), logVar: dense(h, logVarHead) }; // [batch, latentDim] each
      });
    },
    decode(z) {
      return tf.tidy(() => {
        let h = z;
        for (const layer of decoder) h = dense(h, layer);
        return dense(h, outHead); // [batch, inputDim]
      });
    },
    summary(): LayerSummary[] {
      const row = (l: DenseLayer, inDim: number, outDim: number): LayerSummary => ({
        name: l.name,
        description: `dense ${inDim}→${outDim}${l.activation === "relu" ? " + ReLU" : ""}`,
        outputShape: [-1, outDim],
        params: denseParamCount(l),
      });
      return layers.map((l) => row(l, l.w.shape[0]!, l.w.shape[1]!));
    },
    dispose() {
      for (const v of variables) v.dispose();
    },
  };
}
