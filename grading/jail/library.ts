/**
 * What graded code gets for `import … from "vae-lab"` inside the jail: the parts of the library a
 * solution cell may use. Display, files, datasets and the exercise answers themselves
 * (reparameterize, elbo, slerp) are left out; using one gives a clear error at call time.
 */
import * as tf from "@tensorflow/tfjs";
export { tf };
export { Rng, setSeed, defaultRng } from "../../src/random";
export { mse, bernoulliNll, gaussianKl, gaussianKlPerDim } from "../../src/losses";
export { randn } from "../../src/models/reparameterize";
export { createVae, forward, decodeMean, paramCount, samplePrior } from "../../src/models/vae";
export { swissRollVae, swissRollVaeConfig, mnistVae, convMnistVae } from "../../src/models/presets";
export { lerp, interpolationPath, morphPath, latentGrid, SLERP_PARALLEL_THRESHOLD } from "../../src/latent";
export { swissRoll, swissRollSampler } from "../../src/data/swissRoll";
export { NotImplementedError } from "../../src/notebook/notImplemented";
