// The vae-lab kernel's entry (the kernelspec's argv, scripts/jupyter.ts): this project's tslab, compiling
// cells with the lean builder of scripts/leanBuilder.mjs (about 3x less compile work per trivial cell
// once a notebook imports vae-lab) and answering Jupyter before it warms its compiler
// (scripts/kernelWarmUp.mjs); measured in docs/notebooks.md. VAE_LAB_KERNEL_STOCK=1 runs tslab as shipped.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { deferConverterWarmUp } from "./kernelWarmUp.mjs";
import { installLeanBuilder } from "./leanBuilder.mjs";

const require = createRequire(import.meta.url);
const tslabDir = join(dirname(fileURLToPath(import.meta.url)), "..", "node_modules", "tslab");
if (process.env.VAE_LAB_KERNEL_STOCK !== "1") {
  const notInstalled = installLeanBuilder(require, tslabDir); // before tslab's converter loads TypeScript
  if (notInstalled) console.error(`vae-lab kernel: ${notInstalled}`);
  deferConverterWarmUp(
    require(join(tslabDir, "dist", "converter.js")),
    require(join(tslabDir, "dist", "jupyter.js")).ZmqServer,
  );
}
require(join(tslabDir, "dist", "main.js")).main();
