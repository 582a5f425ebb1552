/** A printable summary of a model's layers, output shapes and parameter counts (as Keras prints). */
import type { Vae } from "./types";

/**
 * @example
 * console.log(formatSummary(createVae(swissRollVae(256), new Rng(1))));
 * //=> layer               description            output      params
 * //   encoder/dense1      dense 2→256 + ReLU     [·, 256]       768 …
 */
export function formatSummary(model: Vae): string {
  const rows = model.summary();
  const shape = (s: number[]) => `[${s.map((d) => (d < 0 ? "·" : String(d))).join(", ")}]`;
  const w = [
    Math.max(5, ...rows.map((r) => r.name.length)),
    Math.max(11, ...rows.map((r) => r.description.length)),
    Math.max(6, ...rows.map((r) => shape(r.outputShape).length)),
  ];
  const line = (a: string, b: string, c: string, d: string) =>
    `${a.padEnd(w[0])}  ${b.padEnd(w[1])}  ${c.padEnd(w[2])}  ${d.padStart(9)}`;
  const total = rows.reduce((s, r) => s + r.params, 0);
  return [
    line("layer", "description", "output", "params"),
    "-".repeat(w[0] + w[1] + w[2] + 15),
    ...rows.map((r) => line(r.name, r.description, shape(r.outputShape), r.params.toLocaleString("en-US"))),
    "-".repeat(w[0] + w[1] + w[2] + 15),
    line("total", "", "", total.toLocaleString("en-US")),
  ].join("\n");
}
