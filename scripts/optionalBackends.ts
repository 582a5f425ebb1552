/**
 * The optional native TensorFlow.js backends: never installed by `npm install` (tfjs-node-gpu alone
 * downloads CUDA libtensorflow, hundreds of MB, on every machine), each enabled with one command
 * where it installs. src/engine/backend.ts uses them when present; `npm run doctor` lists them.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";

export interface OptionalBackend {
  pkg: string;
  installed: boolean;
  /** The one command that enables it. */
  enable: string;
}

export function optionalBackends(root: string = process.cwd()): OptionalBackend[] {
  return [
    { pkg: "@tensorflow/tfjs-node-gpu", enable: "npm run enable:gpu (Linux x64 with CUDA 11.2 + cuDNN 8)" },
    { pkg: "@tensorflow/tfjs-node", enable: "npm run enable:node (Linux x64/arm64, macOS, Windows)" },
  ].map((b) => ({ ...b, installed: existsSync(join(root, "node_modules", b.pkg, "package.json")) }));
}
