/**
 * The vae-lab kernel answers Jupyter before it warms its compiler (scripts/kernel.mjs).
 *
 * tslab creates its TypeScript program (parsing lib.es2022 and @types/node: about 2.9 MB of
 * declarations, 1.3-2.5 s on our test machine) before it opens its sockets, so Jupyter shows the
 * kernel as starting until that is done. Here tslab's converter is created on first use instead, and
 * warmed once the kernel has answered Jupyter's kernel_info requests (or `fallbackMs` after
 * start if none comes). Clients repeat kernel_info until they also hear the kernel's "idle" status
 * on iopub (jupyter_client's wait_for_ready, the notebook server's nudge), so the warm-up waits until
 * `quietMs` have passed without another one. A learner who opens a notebook reads while it warms, and a cell run during
 * the warm-up simply waits for it. Nothing is skipped: the same converter is built, only later.
 * The warm-up also compiles `import type {} from "vae-lab"` (see warm below).
 */

/** Makes `converterModule.createConverter` (tslab/dist/converter.js) lazy and warms it as said above. */
export function deferConverterWarmUp(converterModule, ZmqServer, { quietMs = 500, fallbackMs = 3000 } = {}) {
  const create = converterModule.createConverter;
  const cold = new Set();
  converterModule.createConverter = (options) => {
    let converter;
    const get = () => (converter ??= create(options));
    const use = () => {
      cold.delete(get); // used before the warm-up: nothing left to warm
      return get();
    };
    cold.add(get);
    return {
      convert: (...args) => use().convert(...args),
      inspect: (...args) => use().inspect(...args),
      complete: (...args) => use().complete(...args),
      addModule: (...args) => use().addModule(...args),
      close: () => converter?.close(),
    };
  };
  const warm = () => {
    for (const get of cold) {
      cold.delete(get);
      // A lesson's first cell imports vae-lab: compiling that import now parses the library's and
      // TensorFlow.js's declarations while the learner reads, and the first cell finds them parsed
      // (if another cell runs first, the program drops them again: only time is lost). The result
      // is thrown away; tslab's executor keeps its own state.
      const converter = get();
      try {
        converter.convert("", 'import type {} from "vae-lab";');
      } catch {
        // only a head start: the learner's own import reports any problem
      }
    }
  };
  let timer = setTimeout(warm, fallbackMs);
  const answer = ZmqServer.prototype.handleKernelInfo;
  ZmqServer.prototype.handleKernelInfo = function (...args) {
    answer.apply(this, args);
    clearTimeout(timer);
    timer = setTimeout(warm, quietMs);
  };
}
