import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, describe, expect, it } from "vitest";
import { elbo } from "./losses";
import { MNIST_JOB_DEFAULTS, trainOrLoadMnist } from "./mnistJob";
import type { Vae } from "./models/types";
import { forward } from "./models/vae";
import { Rng } from "./random";

const dir = mkdtempSync(join(tmpdir(), "vae-lab-mnistjob-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("trainOrLoadMnist with a learner's loss", () => {
  it("trains with the given loss on every step, saves, and the next run loads without calling it", async () => {
    const settings = { ...MNIST_JOB_DEFAULTS, hidden: 16, epochs: 1 }; // small and short: this tests the plumbing, not the model
    const rng = new Rng(settings.seed).fork("eps");
    let calls = 0;
    const loss = (model: Vae, x: tf.Tensor2D) => {
      calls++;
      const f = forward(model, x, { rng });
      return elbo(x, f.out, f.mu, f.logVar, { likelihood: "bernoulli", reduction: "sum" });
    };
    const checkpointDir = join(dir, "ckpt");
    const first = await trainOrLoadMnist(settings, { checkpointDir, loss });
    expect(first.loaded).toBe(false);
    expect(calls).toBe(Math.ceil(first.data.train.n / settings.batchSize));
    expect(first.heldOut.total).toBeLessThan(784 * Math.log(2)); // it learned something in one epoch
    first.model.dispose();

    const second = await trainOrLoadMnist(settings, { checkpointDir, loss });
    expect(second.loaded).toBe(true);
    expect(calls).toBe(Math.ceil(first.data.train.n / settings.batchSize));
    expect(second.heldOut).toEqual(first.heldOut);
    second.model.dispose();
  });
});
