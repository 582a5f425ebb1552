/**
 * The data part of vae-lab's API: the Swiss roll, the embedded MNIST digits, IDX files (full MNIST,
 * Fashion-MNIST), and the dataset helpers training uses. Cache internals stay in mnist.ts.
 */
export { type ImageDataset, batchIndices, classCounts, gatherRows, splitDataset, takeRows } from "./dataset";
export {
  FASHION_MNIST_CLASSES,
  IDX_IMAGES_MAGIC,
  IDX_LABELS_MAGIC,
  IdxError,
  MNIST_CLASSES,
  findIdxFiles,
  loadIdxDataset,
  readIdxImages,
  readIdxLabels,
  type IdxDatasetOptions,
  type IdxSplit,
} from "./idx";
export { EMBEDDED_MNIST_FILE, EMBEDDED_MNIST_SOURCE, loadEmbeddedMnist } from "./mnist";
export { type SwissRoll, swissRoll, swissRollSampler } from "./swissRoll";
