/**
 * Multithreaded WASM in Node: tfjs-backend-wasm 4.22 ships a threaded SIMD build but never uses it
 * in Node (flags_wasm.js: WASM_HAS_MULTITHREAD_SUPPORT is false when IS_NODE, tfjs issue #3830).
 * Forcing the flag is not enough: the backend hands Emscripten its worker script and main script as
 * Blob URLs, which Node's worker_threads cannot load (ERR_WORKER_PATH). And Emscripten caps the
 * thread pool at (logical cores / 2), which is 1 on a 2-core machine.
 *
 * `registerThreadedWasm(threads)` re-registers the "wasm" backend with a factory that instantiates
 * the threaded build from files: the worker script is written to a temporary file, the main script
 * is the package's own file, and `os.cpus()` is widened while the module starts so that the pool may
 * have `threads` workers. The kernels are the package's; only the module underneath changes.
 *
 * Measured on this machine (2 cores): [128×1024]·[1024×1024] 10.3 ms → 6.1 ms with 2 threads;
 * packing a new right operand is not parallel (~8 ms for 1024×1024, see src/engine/fastDense.ts).
 * But whole training runs, on a machine where other processes also wanted the two cores, got
 * slower (Swiss roll hidden 32: 1.6 → 20 ms per step; hidden 256: 15 → 19 ms) and the hidden-1024
 * run stalled (~5 % CPU for minutes; cause not found). EXPERIMENTAL: nothing in src/ calls this;
 * `VAE_LAB_WASM_THREADS=2` makes bench/workload.ts use it. Call before tf.setBackend("wasm").
 */
import * as tf from "@tensorflow/tfjs";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const PKG = "@tensorflow/tfjs-backend-wasm";

interface EmscriptenModule {
  cwrap(name: string, ret: string | null, args: string[]): (...a: number[]) => number;
  tfjs?: Record<string, unknown>;
}

/**
 * Re-registers the "wasm" backend so that it starts the threaded build with `threads` threads.
 * Returns false (and changes nothing) where that build or worker_threads are unavailable.
 */
export async function registerThreadedWasm(threads: number, priority = 2): Promise<boolean> {
  if (!(threads >= 1) || typeof SharedArrayBuffer === "undefined") return false;
  let wasmPkg: { BackendWasm: new (m: unknown) => tf.KernelBackend; setThreadsCount(n: number): void };
  let factory: (config: Record<string, unknown>) => Promise<EmscriptenModule>;
  let gluePath: string;
  let workerPath: string;
  // The real module object (not an import namespace): Emscripten calls require("os").cpus().
  let nodeOs: { cpus: () => unknown[] };
  try {
    wasmPkg = (await import(PKG)) as unknown as typeof wasmPkg;
    const req = createRequire(join(process.cwd(), "package.json"));
    gluePath = req.resolve(`${PKG}/wasm-out/tfjs-backend-wasm-threaded-simd.js`);
    factory = req(gluePath);
    const { wasmWorkerContents } = req(`${PKG}/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js`) as {
      wasmWorkerContents: string;
    };
    nodeOs = req("os");
    workerPath = join(tmpdir(), `vae-lab-tfjs-wasm-worker-${process.pid}.js`);
    // The package escapes newlines the same way before it makes its Blob (they sit inside strings).
    writeFileSync(workerPath, wasmWorkerContents.replace(/\n/g, "\\n"));
  } catch {
    return false;
  }
  tf.removeBackend("wasm");
  tf.registerBackend(
    "wasm",
    async () => {
      const cpus = nodeOs.cpus;
      // Emscripten sizes the pool from os.cpus().length / 2 while the module starts.
      nodeOs.cpus = () => Array.from({ length: 2 * threads }, () => cpus()[0]);
      let module: EmscriptenModule;
      try {
        module = await factory({
          locateFile: (path: string, prefix: string) =>
            path.endsWith(".worker.js")
              ? workerPath
              : path.endsWith(".wasm")
                ? join(dirname(gluePath), path)
                : prefix + path,
          mainScriptUrlOrBlob: gluePath,
        });
      } finally {
        nodeOs.cpus = cpus;
      }
      module.tfjs = {
        init: module.cwrap("init", null, []),
        initWithThreadsCount: module.cwrap("init_with_threads_count", null, ["number"]),
        getThreadsCount: module.cwrap("get_threads_count", "number", []),
        registerTensor: module.cwrap("register_tensor", null, ["number", "number", "number"]),
        disposeData: module.cwrap("dispose_data", null, ["number"]),
        dispose: module.cwrap("dispose", null, []),
      };
      wasmPkg.setThreadsCount(threads);
      return new wasmPkg.BackendWasm(module);
    },
    priority,
  );
  return true;
}
