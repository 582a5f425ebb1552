import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, describe, expect, it } from "vitest";
import { loadCheckpoint, saveCheckpoint } from "../checkpoint";
import { elbo } from "../vae/losses";
import {
  checkpointMismatch,
  checkpointName,
  defaultCheckpointDir,
  elboSignature,
  loadMnistData,
  MNIST_JOB_DEFAULTS,
  parseHeldOutHistory,
  posteriorCollapseWarning,
  signaturesDiffer,
  trainOrLoadMnist,
  type ElboFunction,
  type MnistJobSettings,
} from "./index";
import type { Vae } from "../vae/types";
import { forward } from "../vae/vae";
import { Rng } from "../vae/random";
import { takeRows } from "../vae/data/dataset";
import { writeIdxFolder } from "../testing/idxFolder";

// A tiny model: the behaviour under test is the checkpoint logic, not the model's quality.
const tiny: MnistJobSettings = { ...MNIST_JOB_DEFAULTS, hidden: 16, epochs: 2, batchSize: 256 };
const root = mkdtempSync(join(tmpdir(), "vae-lab-mnistjob-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("trainOrLoadMnist", () => {
  const dir = join(root, "tiny");

  it("scores the held-out data after every epoch and saves those scores with the checkpoint", async () => {
    const job = await trainOrLoadMnist(tiny, { checkpointDir: dir });
    expect(job.loaded).toBe(false);
    expect(job.heldOutHistory.map((e) => e.epoch)).toEqual([1, 2]);
    for (const e of job.heldOutHistory) {
      expect(e.total).toBeCloseTo(e.recon + e.kl, 2);
      expect(e.distinctFraction).toBeGreaterThanOrEqual(0);
      expect(e.distinctFraction).toBeLessThanOrEqual(1);
    }
    // The model improves from epoch 1 to 2 on held-out data (544 → ~200 nats for any sane training).
    expect(job.heldOutHistory[1].total).toBeLessThan(job.heldOutHistory[0].total);
    job.model.dispose();

    const again = await trainOrLoadMnist(tiny, { checkpointDir: dir });
    expect(again.loaded).toBe(true);
    expect(again.heldOutHistory).toEqual(job.heldOutHistory);
    expect(again.heldOut).toEqual(job.heldOut);
    again.model.dispose();
  });

  it("retrains, saying what differed, when the checkpoint was trained with other settings, without reading its weights", async () => {
    const other = join(root, "other");
    const first = await trainOrLoadMnist({ ...tiny, epochs: 1 }, { checkpointDir: other });
    first.model.dispose();
    writeFileSync(join(other, "weights.bin"), "garbage"); // would fail loadCheckpoint if it were read
    expect(checkpointMismatch(other, tiny)).toEqual(["epochs: wanted 2, found 1"]);
    const notices: string[] = [];
    const job = await trainOrLoadMnist(tiny, { checkpointDir: other, onNotice: (m) => notices.push(m) });
    expect(job.loaded).toBe(false);
    expect(notices).toEqual([
      `Checkpoint ${other} was trained with other settings (epochs: wanted 2, found 1): training again.`,
    ]);
    job.model.dispose();
    const loaded = await loadCheckpoint(other); // replaced by a valid one
    loaded.model.dispose();
  });

  it("names a model difference once, from the config", () => {
    expect(checkpointMismatch(dir, { ...tiny, hidden: 32 })).toEqual(["model hiddenDims[0]: wanted 32, found 16"]);
  });

  it("refuses a corrupt checkpoint with the right settings, naming the file and --retrain", async () => {
    const bad = join(root, "corrupt");
    const job = await trainOrLoadMnist({ ...tiny, epochs: 1 }, { checkpointDir: bad });
    job.model.dispose();
    const weights = readFileSync(join(bad, "weights.bin"));
    weights[100] ^= 0xff;
    writeFileSync(join(bad, "weights.bin"), weights);
    await expect(trainOrLoadMnist({ ...tiny, epochs: 1 }, { checkpointDir: bad })).rejects.toThrow(
      /corrupt[\s\S]*weights\.bin[\s\S]*--retrain|weights\.bin[\s\S]*corrupt[\s\S]*--retrain/,
    );
    await expect(trainOrLoadMnist({ ...tiny, epochs: 1 }, { checkpointDir: bad })).rejects.toThrow(bad);

    writeFileSync(join(bad, "checkpoint.json"), "{ not json");
    await expect(trainOrLoadMnist({ ...tiny, epochs: 1 }, { checkpointDir: bad })).rejects.toThrow(
      /checkpoint\.json is not valid JSON[\s\S]*--retrain/,
    );

    const retrained = await trainOrLoadMnist({ ...tiny, epochs: 1 }, { checkpointDir: bad, retrain: true });
    expect(retrained.loaded).toBe(false);
    retrained.model.dispose();
  });

  it("loads a checkpoint saved before per-epoch held-out scores existed, and reports a malformed history in one line", async () => {
    const job = await trainOrLoadMnist({ ...tiny, epochs: 1 }, { checkpointDir: join(root, "src") });
    const manifest = JSON.parse(readFileSync(join(root, "src", "checkpoint.json"), "utf8"));
    const { heldOutHistory: _dropped, ...oldMeta } = manifest.meta;
    const old = join(root, "old");
    await saveCheckpoint(old, { model: job.model, history: job.history, meta: oldMeta });
    const fromOld = await trainOrLoadMnist({ ...tiny, epochs: 1 }, { checkpointDir: old });
    expect(fromOld.loaded).toBe(true);
    expect(fromOld.heldOutHistory).toEqual([]);
    fromOld.model.dispose();

    const malformed = join(root, "malformed");
    await saveCheckpoint(malformed, {
      model: job.model,
      history: job.history,
      meta: { ...oldMeta, heldOutHistory: [{ epoch: 1, total: "x" }] },
    });
    const notices: string[] = [];
    const fromMalformed = await trainOrLoadMnist(
      { ...tiny, epochs: 1 },
      { checkpointDir: malformed, onNotice: (m) => notices.push(m) },
    );
    expect(fromMalformed.loaded).toBe(true);
    expect(fromMalformed.heldOutHistory).toEqual([]);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/heldOutHistory\[0\].*--retrain/);
    fromMalformed.model.dispose();
    job.model.dispose();
  });
});

describe("parseHeldOutHistory", () => {
  const ok = { epoch: 1, total: 3, recon: 2, kl: 1, distinctFraction: 0.5 };
  it("accepts epochs 1, 2, … with finite scores", () => {
    expect(parseHeldOutHistory([ok, { ...ok, epoch: 2 }])).toEqual({ history: [ok, { ...ok, epoch: 2 }] });
    expect(parseHeldOutHistory(undefined)).toEqual({ history: [] });
  });
  it.each([
    ["not a list", { a: 1 }],
    ["a NaN-turned-null score", [{ ...ok, kl: null }]],
    ["epochs out of order", [{ ...ok, epoch: 2 }]],
    ["a fraction above 1", [{ ...ok, distinctFraction: 1.5 }]],
  ])("refuses %s", (_what, raw) => {
    const r = parseHeldOutHistory(raw);
    expect(r.history).toEqual([]);
    expect(r.problem).toMatch(/heldOutHistory/);
  });
});

describe("trainOrLoadMnist with a learner's loss", () => {
  it("trains with the given loss on every step, saves, and the next run loads without calling it", async () => {
    const settings = { ...tiny, epochs: 1 };
    const rng = new Rng(settings.seed).fork("eps");
    let calls = 0;
    const loss = (model: Vae, x: tf.Tensor2D) => {
      calls++;
      const f = forward(model, x, { rng });
      return elbo(x, f.out, f.mu, f.logVar, { likelihood: "bernoulli", reduction: "sum" });
    };
    const checkpointDir = join(root, "learner-loss");
    const first = await trainOrLoadMnist(settings, { checkpointDir, loss });
    expect(first.loaded).toBe(false);
    const steps = Math.ceil(first.data.train.n / settings.batchSize);
    expect(calls).toBe(steps);
    expect(first.heldOut.total).toBeLessThan(784 * Math.log(2)); // it learned something in one epoch
    first.model.dispose();

    const second = await trainOrLoadMnist(settings, { checkpointDir, loss });
    expect(second.loaded).toBe(true);
    expect(calls).toBe(steps);
    expect(second.heldOut).toEqual(first.heldOut);
    second.model.dispose();
  });
});

describe("the signature of a learner's elbo", () => {
  const library: ElboFunction = (x, logits, mu, logVar) =>
    elbo(x, logits, mu, logVar, { likelihood: "bernoulli", reduction: "sum" });
  // Written differently, computing the same: the lesson's solution.
  const rewritten: ElboFunction = (x, logits, mu, logVar) => {
    const recon = tf.mean(
      tf.sum(tf.add(tf.sub(tf.relu(logits), tf.mul(logits, x)), tf.log1p(tf.exp(tf.neg(tf.abs(logits))))), 1),
    );
    const kl = tf.mean(tf.sum(tf.mul(0.5, tf.sub(tf.sub(tf.add(tf.square(mu), tf.exp(logVar)), logVar), 1)), 1));
    return { total: tf.add(recon, kl), recon, kl };
  };
  const wrongKlSign: ElboFunction = (x, logits, mu, logVar) => {
    const r = library(x, logits, mu, logVar);
    return { total: tf.sub(r.recon, r.kl), recon: r.recon, kl: tf.neg(r.kl) };
  };
  const meanOverPixels: ElboFunction = (x, logits, mu, logVar) =>
    elbo(x, logits, mu, logVar, { likelihood: "bernoulli", reduction: "mean" });

  it("is the same for two ways of writing the same elbo, and differs for wrong ones", () => {
    const ref = elboSignature(library);
    expect(ref).toHaveLength(3);
    expect(ref[0]).toBeCloseTo(ref[1] + ref[2], 2);
    expect(signaturesDiffer(elboSignature(rewritten), ref)).toBe(false);
    expect(signaturesDiffer(elboSignature(wrongKlSign), ref)).toBe(true);
    expect(signaturesDiffer(elboSignature(meanOverPixels), ref)).toBe(true);
    expect(signaturesDiffer(ref, ref.slice(0, 2))).toBe(true);
    expect(signaturesDiffer([NaN, 1, 1], ref)).toBe(true);
  });

  it("makes trainOrLoadMnist retrain, saying why, when the checkpoint was trained with another elbo", async () => {
    const settings = { ...tiny, epochs: 1 };
    const checkpointDir = join(root, "signature");
    const lossFrom = (f: ElboFunction) => {
      const rng = new Rng(settings.seed).fork("eps");
      return (model: Vae, x: tf.Tensor2D) => {
        const out = forward(model, x, { rng });
        return f(x, out.out, out.mu, out.logVar);
      };
    };
    const broken = await trainOrLoadMnist(settings, {
      checkpointDir,
      loss: lossFrom(wrongKlSign),
      lossSignature: elboSignature(wrongKlSign),
    });
    expect(broken.loaded).toBe(false);
    broken.model.dispose();
    const notices: string[] = [];
    const fixed = await trainOrLoadMnist(settings, {
      checkpointDir,
      loss: lossFrom(rewritten),
      lossSignature: elboSignature(rewritten),
      onNotice: (m) => notices.push(m),
    });
    expect(fixed.loaded).toBe(false);
    expect(notices.join("\n")).toContain("trained with a different elbo");
    fixed.model.dispose();
    const again = await trainOrLoadMnist(settings, {
      checkpointDir,
      loss: lossFrom(library),
      lossSignature: elboSignature(library),
    });
    expect(again.loaded).toBe(true); // the library's elbo is the same function as the fixed one
    again.model.dispose();
  });

  it("names the learner's function in that notice when told which it is (lesson 3: betaSchedule)", async () => {
    const settings = { ...tiny, epochs: 1 };
    const checkpointDir = join(root, "signature-named");
    const first = await trainOrLoadMnist(settings, { checkpointDir, lossSignature: [0, 1], lossName: "betaSchedule" });
    first.model.dispose();
    const notices: string[] = [];
    const second = await trainOrLoadMnist(settings, {
      checkpointDir,
      lossSignature: [0, 4],
      lossName: "betaSchedule",
      onNotice: (m) => notices.push(m),
    });
    expect(second.loaded).toBe(false);
    expect(notices.join("\n")).toContain("trained with a different betaSchedule than the one defined now");
    second.model.dispose();
  });

  it("names posterior collapse when the KL is about 0, and says nothing for a healthy model", () => {
    expect(posteriorCollapseWarning({ total: 207, recon: 207, kl: 0.001 }, "set RETRAIN = true")).toMatch(
      /POSTERIOR COLLAPSE[\s\S]*0\.00 nats[\s\S]*set RETRAIN = true/,
    );
    expect(posteriorCollapseWarning({ total: 161, recon: 155, kl: 6 }, "x")).toBeUndefined();
  });

  it("puts checkpoint errors in the caller's terms, without a stack, when given a fix", async () => {
    const bad = join(root, "corrupt-notebook");
    const job = await trainOrLoadMnist({ ...tiny, epochs: 1 }, { checkpointDir: bad });
    job.model.dispose();
    writeFileSync(join(bad, "checkpoint.json"), "{ not json");
    const err = await trainOrLoadMnist(
      { ...tiny, epochs: 1 },
      { checkpointDir: bad, retrainFix: "Set RETRAIN = true and run this cell again." },
    ).catch((e: Error) => e);
    expect(String((err as Error).message)).toMatch(/checkpoint\.json is not valid JSON[\s\S]*Set RETRAIN = true/);
    expect((err as Error).message).not.toContain("--retrain");
    expect((err as Error).stack).toBe(`CheckpointError: ${(err as Error).message}`);
  });
});

describe("checkpoint names", () => {
  const base: MnistJobSettings = { ...MNIST_JOB_DEFAULTS };
  const variants: [string, MnistJobSettings][] = [
    ["model kind", { ...base, model: "conv" }],
    ["latentDim", { ...base, latentDim: 10 }],
    ["hidden size", { ...base, hidden: 200 }],
    ["depth", { ...base, depth: 2 }],
    ["a constant β", { ...base, beta: 4 }],
    ["a β warm-up", { ...base, beta: { from: 0, to: 1, epochs: 10 } }],
    ["the warm-up's length", { ...base, beta: { from: 0, to: 1, epochs: 5 } }],
    ["epochs", { ...base, epochs: 2 }],
    ["batch size", { ...base, batchSize: 64 }],
    ["learning rate", { ...base, learningRate: 3e-4 }],
    ["seed", { ...base, seed: 7 }],
  ];

  it.each(variants)("differ when the %s differs", (_what, settings) => {
    expect(checkpointName(settings)).not.toBe(checkpointName(base));
    expect(defaultCheckpointDir(settings)).not.toBe(defaultCheckpointDir(base));
  });

  it("are the same for the same settings, whatever their key order, and say the main ones in words", () => {
    const reordered = Object.fromEntries(Object.entries(base).reverse()) as unknown as MnistJobSettings;
    expect(checkpointName(reordered)).toBe(checkpointName(base));
    expect(checkpointName({ ...base, depth: 1 })).toBe(checkpointName(base)); // depth 1 is the default
    expect(checkpointName(base)).toMatch(/^mnist-mlp-L2-H400-e30-b1-embedded-[0-9a-f]{10}$/);
    expect(checkpointName({ ...base, model: "conv", beta: { from: 0, to: 4, epochs: 10 } })).toMatch(
      /^mnist-conv-L2-e30-b0-4w10-embedded-[0-9a-f]{10}$/,
    );
    expect(new Set(variants.map(([, s]) => checkpointName(s))).size).toBe(variants.length);
  });

  it("differ by the loss that trains the model: the library's, a learner's, another; a learner's elbos share one", () => {
    const learner = checkpointName(base, { lossSignature: [207.1, 200.2, 6.9] });
    expect(new Set([checkpointName(base), learner, checkpointName(base, { customLoss: true })]).size).toBe(3);
    expect(learner).toMatch(/-embedded-yours-[0-9a-f]{10}$/);
    // a fixed elbo goes to the same folder, where the stored signature makes the job retrain, saying why
    expect(checkpointName(base, { lossSignature: [150, 150, 0] })).toBe(learner);
  });

  it("differ by the data: embedded digits, an IDX folder, the same folder after its files changed", () => {
    const folder = writeIdxFolder(join(root, "idx-a"));
    const idx = { ...base, dataDir: folder };
    const before = checkpointName(idx);
    expect(before).not.toBe(checkpointName(base));
    expect(before).toMatch(/-idx-[0-9a-f]{10}$/);
    expect(checkpointName(idx)).toBe(before);
    writeIdxFolder(folder, 300); // more training images: other data
    expect(checkpointName(idx)).not.toBe(before);
  });

  it("keep a quick --epochs 2 trial from replacing the class's longer-trained model", async () => {
    const cache = process.env.VAE_LAB_CACHE;
    process.env.VAE_LAB_CACHE = join(root, "cache");
    try {
      const data = { ...loadMnistData(undefined, tiny.seed) };
      data.train = takeRows(
        data.train,
        Array.from({ length: 512 }, (_, i) => i),
      ); // a small class model, quick
      const classModel = await trainOrLoadMnist({ ...tiny, epochs: 3 }, { data });
      classModel.model.dispose();
      const trial = await trainOrLoadMnist({ ...tiny, epochs: 1 }, { data });
      trial.model.dispose();
      expect(trial.checkpointDir).not.toBe(classModel.checkpointDir);
      const again = await trainOrLoadMnist({ ...tiny, epochs: 3 }, { data });
      expect(again.loaded).toBe(true); // still there, untouched
      expect(again.checkpointDir).toBe(classModel.checkpointDir);
      expect(again.history).toHaveLength(3);
      again.model.dispose();
    } finally {
      if (cache === undefined) delete process.env.VAE_LAB_CACHE;
      else process.env.VAE_LAB_CACHE = cache;
    }
  });

  it("retrains a checkpoint (given by folder) whose IDX files changed since it was trained", async () => {
    const folder = writeIdxFolder(join(root, "idx-b"), 120, 40);
    const settings = { ...tiny, epochs: 1, dataDir: folder };
    const dir = join(root, "idx-ckpt");
    (await trainOrLoadMnist(settings, { checkpointDir: dir })).model.dispose();
    expect(checkpointMismatch(dir, settings)).toEqual([]);
    writeIdxFolder(folder, 160, 40);
    expect(checkpointMismatch(dir, settings)).toEqual(["data: the IDX files changed since this model was trained"]);
  });
});
