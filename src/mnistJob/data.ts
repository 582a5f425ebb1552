/** The MNIST job's data: IDX folders or the embedded digits, and what identifies them. */
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { type ImageDataset, splitDataset } from "../vae/data/dataset";
import { findIdxFiles, loadIdxDataset } from "../vae/data/idx";
import { loadEmbeddedMnist } from "../vae/data/mnist";
import { Rng } from "../vae/random";

export interface MnistData {
  train: ImageDataset;
  test: ImageDataset;
  source: string;
}

/** The training and held-out data: IDX train/test files, or the embedded digits split 90/10. */
export function loadMnistData(dataDir: string | undefined, seed: number): MnistData {
  if (dataDir) {
    const trainSet = loadIdxDataset(dataDir, "train");
    const testSet = loadIdxDataset(dataDir, "test");
    return { train: trainSet, test: testSet, source: trainSet.source };
  }
  const all = loadEmbeddedMnist();
  const { train: trainSet, test: testSet } = splitDataset(all, 0.1, new Rng(seed).fork("split"));
  return { train: trainSet, test: testSet, source: all.source };
}

/**
 * What identifies the data a model trains on: "embedded", or for an IDX folder its absolute path and
 * each file's name, size and modification time (a folder whose files changed is other data).
 */
export function dataFingerprint(dataDir: string | undefined): string {
  if (!dataDir) return "embedded";
  const folder = resolve(dataDir);
  const files = [findIdxFiles(folder, "train"), findIdxFiles(folder, "test")].flatMap((f) => [f.images, f.labels]);
  return (
    `idx:${folder}:` +
    files
      .map((f) => {
        const s = statSync(f);
        return `${f.slice(folder.length + 1)}=${s.size}@${Math.round(s.mtimeMs)}`;
      })
      .join(",")
  );
}
