/** Placeholder until the convolutional VAE lands (being written now). */
import type { Rng } from "../random";
import type { ConvVaeConfig, Vae } from "./types";

export function createConvVae(_config: ConvVaeConfig, _rng: Rng): Vae {
  throw new Error("The convolutional VAE is not available yet.");
}
