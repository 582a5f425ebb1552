/**
 * A very small WebAssembly assembler: just enough to build SIMD loops that run on the WASM backend's
 * own memory, next to its kernels (src/engine/fastAdam.ts). The module imports `env.memory`, so
 * functions take byte offsets of tensor buffers (the backend's `memoryOffset`) and never copy.
 *
 * Encoding per the WebAssembly core spec (binary format, §5) and the fixed-width SIMD proposal
 * (opcode prefix 0xFD). Only the instructions used by our kernels are here.
 */

export type ValType = "i32" | "f32" | "v128";
const VALTYPE: Record<ValType, number> = { i32: 0x7f, f32: 0x7d, v128: 0x7b };

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const name = (s: string) => [...uleb(s.length), ...new TextEncoder().encode(s)];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];

/** Instruction emitters; each returns bytes. Locals are addressed by index (params first). */
export const op = {
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  i32: (v: number) => [0x41, ...sleb(v)],
  i32Add: [0x6a],
  i32Mul: [0x6c],
  i32And: [0x71],
  i32Shl: [0x74],
  i32GeU: [0x4f],
  f32Load: [0x2a, 2, 0],
  f32Store: [0x38, 2, 0],
  f32Add: [0x92],
  f32Sub: [0x93],
  f32Mul: [0x94],
  f32Div: [0x95],
  f32Sqrt: [0x91],
  f32Max: [0x97],
  v128Load: [0xfd, ...uleb(0x00), 4, 0],
  v128Store: [0xfd, ...uleb(0x0b), 4, 0],
  f32x4Splat: [0xfd, ...uleb(0x13)],
  f32x4Sqrt: [0xfd, ...uleb(0xe3)],
  f32x4Add: [0xfd, ...uleb(0xe4)],
  f32x4Sub: [0xfd, ...uleb(0xe5)],
  f32x4Mul: [0xfd, ...uleb(0xe6)],
  f32x4Div: [0xfd, ...uleb(0xe7)],
  f32x4Max: [0xfd, ...uleb(0xe9)],
  /** i8x16.shuffle of two vectors, given as four float lanes (0–3: first operand, 4–7: second). */
  shuffleF32: (lanes: [number, number, number, number]) => [
    0xfd,
    ...uleb(0x0d),
    ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]),
  ],
  /** block / loop with no result; close with `end`. */
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  end: [0x0b],
};

export interface FuncDef {
  name: string;
  params: ValType[];
  locals: ValType[];
  body: number[][];
}

/** Builds a module that imports `env.memory` (shared or not, as `memory` is) and exports `funcs`. */
export function buildModule(funcs: FuncDef[], memory: WebAssembly.Memory): WebAssembly.Module {
  const shared = typeof SharedArrayBuffer !== "undefined" && memory.buffer instanceof SharedArrayBuffer;
  // A shared memory import must declare a maximum ≥ the memory's own: use the 4 GiB limit.
  const limits = shared ? [0x03, ...uleb(0), ...uleb(65536)] : [0x00, ...uleb(0)];
  const types = funcs.map((f) => [0x60, ...vec(f.params.map((p) => [VALTYPE[p]])), 0]);
  const imports = [[...name("env"), ...name("memory"), 0x02, ...limits]];
  const code = funcs.map((f) => {
    const locals = vec(f.locals.map((l) => [1, VALTYPE[l]]));
    const body = [...locals, ...f.body.flat(), 0x0b];
    return [...uleb(body.length), ...body];
  });
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec(types)),
    ...section(2, vec(imports)),
    ...section(3, vec(funcs.map((_, i) => uleb(i)))),
    ...section(7, vec(funcs.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(code)),
  ];
  return new WebAssembly.Module(new Uint8Array(bytes));
}
