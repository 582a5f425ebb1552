/**
 * The wire between the trusted grader and a jailed child: length-prefixed frames of structured-clone
 * data (node:v8 serialize), so NaN and ±Infinity survive and nothing but plain data can cross —
 * v8.deserialize builds no functions, getters or class instances. The child's side of the wire is
 * in the learner's realm and may write any bytes: a frame is only a claim, checked by the parent.
 *
 * Requests go to the child's stdin; replies come back on fd 3, never on stdout: whatever student code
 * prints on stdout or stderr is read, capped and thrown away, so printed "results" cannot be mistaken
 * for replies.
 */
import { deserialize, serialize } from "node:v8";

/** Requests, parent → child. `call` is an exercises/harness Call: inputs as plain data. */
export type Request =
  | { id: number; op: "load"; underTest: string; others: string[] }
  | { id: number; op: "usage" }
  | { id: number; op: "call"; call: unknown };

/**
 * Replies, child → parent. `value` is a raw exercises/harness Outcome for calls: untrusted, so the
 * parent validates it (exercises/raw.ts parseOutcome) before reading anything in it.
 */
export type Reply =
  { id: number; ok: true; value?: unknown; tainted?: boolean } | { id: number; ok: false; error: string };

/** The observation error the runner reports when student code replaced tfjs kernels. */
export const TAMPERED = "graded code replaced TensorFlow.js kernels";

/** A reply larger than this is a protocol violation (the largest raw result, 20,000 numbers, is about 200 kB). */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;

export function encodeFrame(message: unknown): Buffer {
  const body = serialize(message);
  const head = Buffer.alloc(4);
  head.writeUInt32LE(body.length, 0);
  return Buffer.concat([head, body]);
}

/** Accumulates bytes and returns the complete frames; throws on an oversized or undecodable frame. */
export class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): unknown[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const out: unknown[] = [];
    while (this.buffer.length >= 4) {
      const n = this.buffer.readUInt32LE(0);
      if (n > MAX_FRAME_BYTES) throw new Error(`a reply of ${n} bytes exceeds the ${MAX_FRAME_BYTES}-byte limit`);
      if (this.buffer.length < 4 + n) break;
      out.push(deserialize(this.buffer.subarray(4, 4 + n)));
      this.buffer = this.buffer.subarray(4 + n);
    }
    return out;
  }
}
