/**
 * A small folder of IDX files for tests (train and t10k images + labels, 28×28): each class lights
 * its own band of rows, plus noise, so a model learns something in one epoch.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Rng } from "../vae/random";

function idx(magic: number, dims: number[], body: Uint8Array): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(body)]);
}

/** Writes `train` and `test` images of 10 classes to `folder` (created) and returns it. */
export function writeIdxFolder(folder: string, train = 200, test = 50, seed = 1): string {
  mkdirSync(folder, { recursive: true });
  const rng = new Rng(seed);
  for (const [prefix, n] of [
    ["train", train],
    ["t10k", test],
  ] as const) {
    const labels = Uint8Array.from({ length: n }, (_, i) => i % 10);
    const pixels = new Uint8Array(n * 784);
    for (let i = 0; i < n; i++) {
      for (let p = 0; p < 784; p++) {
        const band = Math.floor(Math.floor(p / 28) / 2.8) === labels[i];
        pixels[i * 784 + p] = Math.min(255, Math.round((band ? 200 : 10) + 40 * rng.uniform()));
      }
    }
    writeFileSync(join(folder, `${prefix}-images-idx3-ubyte`), idx(0x803, [n, 28, 28], pixels));
    writeFileSync(join(folder, `${prefix}-labels-idx1-ubyte`), idx(0x801, [n], labels));
  }
  return folder;
}
