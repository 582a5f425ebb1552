import * as tf from "@tensorflow/tfjs";
import { afterEach, describe, expect, it } from "vitest";
import { createDense, dense } from "../vae/dense";
import { Rng } from "../vae/random";
import { setDirectSaves } from "./fastIdentity";

// The test setup installed the engine (direct saves on); each test compares with tfjs's own clones.
afterEach(() => setDirectSaves(true));

const rng = new Rng(3);
const layers = [createDense("a", 5, 7, "relu", rng), createDense("b", 7, 3, "linear", rng)];
const x = tf.randomNormal([4, 5], 0, 1, "float32", 1);
/** A small network whose ops save inputs and outputs: two dense layers, exp, mul, square. */
const loss = () => {
  const h = dense(dense(x as tf.Tensor2D, layers[0]), layers[1]);
  return tf.sum(tf.mul(tf.exp(h), tf.square(h))) as tf.Scalar;
};
const variables = layers.flatMap((l) => [l.w, l.b]);

async function gradsWith(direct: boolean): Promise<{ values: number[][]; identities: number; leaked: number }> {
  setDirectSaves(direct);
  const before = tf.memory().numTensors;
  let values: number[][] = [];
  const profile = await tf.profile(() => {
    const { value, grads } = tf.variableGrads(loss, variables);
    values = [Array.from(value.dataSync()), ...variables.map((v) => Array.from(grads[v.name].dataSync()))];
    tf.dispose([value, ...Object.values(grads)]);
  });
  const identities = profile.kernels.filter((k) => k.name === "Identity").length;
  return { values, identities, leaked: tf.memory().numTensors - before };
}

describe("tensors saved for the backward pass without a kernel call", () => {
  it("gives the same loss and gradients as tfjs's clones, with no Identity kernel call and no leak", async () => {
    const direct = await gradsWith(true);
    const stock = await gradsWith(false);
    expect(direct.values).toEqual(stock.values); // bit for bit: the same buffers are read
    expect(stock.identities).toBeGreaterThan(0);
    expect(direct.identities).toBe(0);
    expect(direct.leaked).toBe(0);
    expect(stock.leaked).toBe(0);
  });

  it("keeps higher-order gradients right: d²/dx² Σ x³ = 6x through saved tensors", () => {
    const xs = tf.tensor1d([-1.5, 0.5, 2]);
    const second = (direct: boolean) => {
      setDirectSaves(direct);
      return tf.tidy(() => {
        const d2 = tf.grad((v: tf.Tensor) =>
          tf
            .grad((u: tf.Tensor) => tf.sum(tf.mul(tf.mul(u, u), u)))(v)
            .sum(),
        )(xs);
        return Array.from(d2.dataSync());
      });
    };
    const expected = [-9, 3, 12];
    for (const direct of [true, false]) second(direct).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    xs.dispose();
  });

  it("keeps a saved tensor's values when its source is disposed or reassigned before the backward pass", () => {
    const w = tf.variable(tf.tensor1d([1, 2, 3]));
    const g = tf.tidy(() =>
      tf
        .grad((u: tf.Tensor) => {
          const inner = tf.mul(u, 2);
          const y = tf.tidy(() => tf.mul(inner, w)); // saves inner and w
          w.assign(tf.tensor1d([10, 20, 30])); // the saved w must still read 1, 2, 3
          inner.dispose(); // and the saved inner must outlive this tensor
          return tf.sum(y);
        })(tf.tensor1d([1, 1, 1]))
        .dataSync(),
    );
    expect(Array.from(g)).toEqual([2, 4, 6]);
    w.dispose();
  });
});
