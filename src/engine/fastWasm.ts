/**
 * Our own WebAssembly SIMD loops, running on the WASM backend's memory next to its kernels:
 *
 * - `adam`: one fused Adam update (src/engine/fastAdam.ts).
 * - `transpose`: a 2-D transpose in 4×4 SIMD blocks, optionally adding a bias per source row and
 *   applying ReLU on the way (src/engine/fastDense.ts). tfjs's WASM Transpose takes ~6 ms for
 *   1024×1024 on this machine; this one well under 1 ms.
 *
 * Functions take byte offsets of tensor buffers (the backend's `memoryOffset`) and copy nothing.
 * The module is built once per WASM memory with the small assembler in ./fastWasmAsm.
 */
import { buildModule, op, type FuncDef } from "./fastWasmAsm";

export interface FastWasm {
  /** adam(w, g, m, v, out, n, β₁, 1−β₁, β₂, 1−β₂, c₁, c₂, lr, ε): m, v in place; new w into out. */
  adam(w: number, g: number, m: number, v: number, out: number, n: number, ...f32: number[]): void;
  /**
   * dst[c, r] = act(src[r, c] + bias[r]) for src [rows × cols]; bias 0 = none; relu 0/1.
   * src and dst must not overlap.
   */
  transpose(src: number, dst: number, rows: number, cols: number, bias: number, relu: number): void;
}

/** Loop helper: `for (; local < limit; local += stepBytes) body`. */
function forLoop(local: number, limit: number[], stepBytes: number, body: number[][]): number[][] {
  return [
    op.block,
    op.loop,
    op.get(local),
    limit,
    op.i32GeU,
    op.brIf(1),
    ...body,
    op.get(local),
    op.i32(stepBytes),
    op.i32Add,
    op.set(local),
    op.br(0),
    op.end,
    op.end,
  ];
}

function adamFunc(): FuncDef {
  const [W, G, M, V, O, N, B1, A1, B2, A2, C1, C2, LR, EPS] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
  const [I, END4, END] = [14, 15, 16];
  const VEC = [17, 18, 19, 20, 21, 22, 23, 24]; // splats of B1 … EPS
  const [GV, MV, VV, GS, MS, VS] = [25, 26, 27, 28, 29, 30];
  const at = (base: number) => [op.get(base), op.get(I), op.i32Add];
  // The same float32 operations, in the same order, as tf.train.adam's tensor ops.
  const update = (
    load: number[],
    store: number[],
    add: number[],
    sub: number[],
    mul: number[],
    div: number[],
    sqrt: number[],
    k: (s: number) => number,
    g: number,
    m: number,
    v: number,
  ) => [
    ...at(G),
    load,
    op.set(g),
    ...at(M),
    load,
    op.get(k(B1)),
    mul,
    op.get(g),
    op.get(k(A1)),
    mul,
    add,
    op.set(m),
    ...at(M),
    op.get(m),
    store,
    ...at(V),
    load,
    op.get(k(B2)),
    mul,
    op.get(g),
    op.get(g),
    mul,
    op.get(k(A2)),
    mul,
    add,
    op.set(v),
    ...at(V),
    op.get(v),
    store,
    ...at(O),
    ...at(W),
    load,
    op.get(k(LR)),
    op.get(m),
    op.get(k(C1)),
    div,
    op.get(v),
    op.get(k(C2)),
    div,
    sqrt,
    op.get(k(EPS)),
    add,
    div,
    mul,
    sub,
    store,
  ];
  return {
    name: "adam",
    params: ["i32", "i32", "i32", "i32", "i32", "i32", "f32", "f32", "f32", "f32", "f32", "f32", "f32", "f32"],
    locals: ["i32", "i32", "i32", ...VEC.map(() => "v128" as const), "v128", "v128", "v128", "f32", "f32", "f32"],
    body: [
      op.get(N),
      op.i32(-4),
      op.i32And,
      op.i32(2),
      op.i32Shl,
      op.set(END4),
      op.get(N),
      op.i32(2),
      op.i32Shl,
      op.set(END),
      ...VEC.flatMap((local, j) => [op.get(B1 + j), op.f32x4Splat, op.set(local)]),
      ...forLoop(
        I,
        op.get(END4),
        16,
        update(
          op.v128Load,
          op.v128Store,
          op.f32x4Add,
          op.f32x4Sub,
          op.f32x4Mul,
          op.f32x4Div,
          op.f32x4Sqrt,
          (s) => VEC[s - B1],
          GV,
          MV,
          VV,
        ),
      ),
      ...forLoop(
        I,
        op.get(END),
        4,
        update(op.f32Load, op.f32Store, op.f32Add, op.f32Sub, op.f32Mul, op.f32Div, op.f32Sqrt, (s) => s, GS, MS, VS),
      ),
    ],
  };
}

function transposeFunc(): FuncDef {
  const [SRC, DST, ROWS, COLS, BIAS, RELU] = [0, 1, 2, 3, 4, 5];
  const [I, J, ROWS4, COLS4, P, Q, SROW, DROW] = [6, 7, 8, 9, 10, 11, 12, 13]; // i32; I, J in elements
  const [R0, R1, R2, R3, T0, T1, T2, T3, BV, LO] = [14, 15, 16, 17, 18, 19, 20, 21, 22, 23]; // v128
  const [BS, LOS] = [24, 25]; // f32
  const elemLoop = (local: number, from: number[], limit: number[], body: number[][]) => [
    from,
    op.set(local),
    op.block,
    op.loop,
    op.get(local),
    limit,
    op.i32GeU,
    op.brIf(1),
    ...body,
    op.get(local),
    op.i32(1),
    op.i32Add,
    op.set(local),
    op.br(0),
    op.end,
    op.end,
  ];
  const stepLoop = (local: number, limit: number[], body: number[][]) => [
    op.i32(0),
    op.set(local),
    op.block,
    op.loop,
    op.get(local),
    limit,
    op.i32GeU,
    op.brIf(1),
    ...body,
    op.get(local),
    op.i32(4),
    op.i32Add,
    op.set(local),
    op.br(0),
    op.end,
    op.end,
  ];
  const addr = (base: number, major: number, stride: number, minor: number) => [
    op.get(base),
    op.get(major),
    op.get(stride),
    op.i32Mul,
    op.get(minor),
    op.i32Add,
    op.i32(2),
    op.i32Shl,
    op.i32Add,
  ];
  // One element: dst[j·rows + i] = max(src[i·cols + j] + bias[i], lo)
  const scalar = [
    addr(DST, J, ROWS, I).flat(),
    ...addr(SRC, I, COLS, J),
    op.f32Load,
    op.get(BS),
    op.f32Add,
    op.get(LOS),
    op.f32Max,
    op.f32Store,
  ];
  const rowBias = [
    // bs = bias ? bias[i] : 0
    op.get(BIAS),
    [0x04, 0x7d], // if (result f32)
    op.get(BIAS),
    op.get(I),
    op.i32(2),
    op.i32Shl,
    op.i32Add,
    op.f32Load,
    [0x05], // else
    [0x43, 0, 0, 0, 0], // f32.const 0
    op.end,
    op.set(BS),
  ];
  const block4 = [
    // p = src + (i·cols + j)·4; rows i…i+3 of the block
    ...addr(SRC, I, COLS, J),
    op.set(P),
    op.get(P),
    op.v128Load,
    op.set(R0),
    op.get(P),
    op.get(SROW),
    op.i32Add,
    op.tee(P),
    op.v128Load,
    op.set(R1),
    op.get(P),
    op.get(SROW),
    op.i32Add,
    op.tee(P),
    op.v128Load,
    op.set(R2),
    op.get(P),
    op.get(SROW),
    op.i32Add,
    op.v128Load,
    op.set(R3),
    op.get(R0),
    op.get(R1),
    op.shuffleF32([0, 4, 1, 5]),
    op.set(T0),
    op.get(R0),
    op.get(R1),
    op.shuffleF32([2, 6, 3, 7]),
    op.set(T1),
    op.get(R2),
    op.get(R3),
    op.shuffleF32([0, 4, 1, 5]),
    op.set(T2),
    op.get(R2),
    op.get(R3),
    op.shuffleF32([2, 6, 3, 7]),
    op.set(T3),
    ...addr(DST, J, ROWS, I),
    op.set(Q),
    ...[
      [T0, T2, [0, 1, 4, 5]],
      [T0, T2, [2, 3, 6, 7]],
      [T1, T3, [0, 1, 4, 5]],
      [T1, T3, [2, 3, 6, 7]],
    ].flatMap(([a, b, lanes], k) => [
      op.get(Q),
      op.get(a as number),
      op.get(b as number),
      op.shuffleF32(lanes as [number, number, number, number]),
      op.get(BV),
      op.f32x4Add,
      op.get(LO),
      op.f32x4Max,
      op.v128Store,
      ...(k < 3 ? [op.get(Q), op.get(DROW), op.i32Add, op.set(Q)] : []),
    ]),
  ];
  return {
    name: "transpose",
    params: ["i32", "i32", "i32", "i32", "i32", "i32"],
    locals: ["i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", ...Array(10).fill("v128"), "f32", "f32"],
    body: [
      op.get(ROWS),
      op.i32(-4),
      op.i32And,
      op.set(ROWS4),
      op.get(COLS),
      op.i32(-4),
      op.i32And,
      op.set(COLS4),
      op.get(COLS),
      op.i32(2),
      op.i32Shl,
      op.set(SROW),
      op.get(ROWS),
      op.i32(2),
      op.i32Shl,
      op.set(DROW),
      // lo = relu ? 0 : −∞ ; max(v, lo) is then ReLU or nothing
      op.get(RELU),
      [0x04, 0x7d],
      [0x43, 0, 0, 0, 0],
      [0x05],
      [0x43, 0, 0, 0x80, 0xff],
      op.end,
      op.tee(LOS),
      op.f32x4Splat,
      op.set(LO),
      // 4×4 blocks
      ...stepLoop(I, op.get(ROWS4), [
        op.get(BIAS),
        [0x04, 0x7b],
        op.get(BIAS),
        op.get(I),
        op.i32(2),
        op.i32Shl,
        op.i32Add,
        op.v128Load,
        [0x05],
        [0x43, 0, 0, 0, 0],
        op.f32x4Splat,
        op.end,
        op.set(BV),
        ...stepLoop(J, op.get(COLS4), block4),
      ]),
      // columns cols4… of every row, then rows rows4… of the first cols4 columns
      ...elemLoop(I, op.i32(0), op.get(ROWS), [...rowBias, ...elemLoop(J, op.get(COLS4), op.get(COLS), scalar)]),
      ...elemLoop(I, op.get(ROWS4), op.get(ROWS), [...rowBias, ...elemLoop(J, op.i32(0), op.get(COLS4), scalar)]),
    ],
  };
}

interface WasmModuleLike {
  asm?: { memory?: WebAssembly.Memory };
}

const byMemory = new WeakMap<WebAssembly.Memory, FastWasm | null>();

/** Our functions bound to this WASM backend's memory, or null where they cannot be built. */
export function fastWasm(backend: { wasm: WasmModuleLike }): FastWasm | null {
  const memory = backend.wasm.asm?.memory;
  if (!memory) return null;
  let fns = byMemory.get(memory);
  if (fns === undefined) {
    try {
      const instance = new WebAssembly.Instance(buildModule([adamFunc(), transposeFunc()], memory), {
        env: { memory },
      });
      fns = instance.exports as unknown as FastWasm;
    } catch {
      fns = null; // e.g. no WebAssembly SIMD in this runtime: callers fall back to tfjs's kernels
    }
    byMemory.set(memory, fns);
  }
  return fns;
}
