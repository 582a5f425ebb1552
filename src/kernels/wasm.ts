/**
 * Extra kernels for the WASM backend (DESIGN §4). Filled in by the Conv2DBackpropFilter work.
 */
export function registerWasmExtras(): void {}
