/**
 * The three places a fused kernel of the engine runs (src/engine/fusedElbo.ts,
 * fusedReparameterize.ts): native code on WASM, JavaScript loops on WASM without the addon, and
 * JavaScript loops on the CPU backend. Tests run the same checks on each.
 */
import * as tf from "@tensorflow/tfjs";
import { setNativeEnabled } from "../engine/native";

export interface EnginePath {
  name: string;
  enter(): Promise<void>;
  leave(): Promise<void>;
  /**
   * Whether the path's e^x rounds as the backend's own Exp kernel does: the addon's expf and WASM's
   * are the same routine, the CPU backend's Exp is Math.exp; Math.exp on WASM differs by one float32
   * ulp now and then.
   */
  expAsBackend: boolean;
  /** Whether the addon's code runs (src/engine/native.ts nativeCallCount grows), not the loops. */
  native: boolean;
}

export const ENGINE_PATHS: EnginePath[] = [
  {
    name: "native code on WASM",
    enter: async () => setNativeEnabled(true),
    leave: async () => {},
    expAsBackend: true,
    native: true,
  },
  {
    name: "JavaScript loops on WASM without the addon",
    enter: async () => setNativeEnabled(false),
    leave: async () => setNativeEnabled(true),
    expAsBackend: false,
    native: false,
  },
  {
    name: "JavaScript loops on the CPU backend",
    enter: async () => void (await tf.setBackend("cpu")),
    leave: async () => void (await tf.setBackend("wasm")),
    expAsBackend: true,
    native: false,
  },
];
