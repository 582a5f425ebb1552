/**
 * The prior's region drawn on a 2-D latent map: a dashed circle of radius r around 0. Under
 * N(0, I) in two dimensions ‖z‖² is χ²(2), so P(‖z‖ ≤ r) = 1 − e^(−r²/2): 86 % of the prior's
 * samples fall inside r = 2. Codes far outside it are ones prior samples almost never reach.
 */
import type { Figure, Trace } from "./svg";

/** Share of N(0, I) samples in 2-D within radius r: 1 − e^(−r²/2). */
export function priorMassWithin(r: number): number {
  return 1 - Math.exp(-(r * r) / 2);
}

/** A dashed circle of radius `r` (default 2) around the origin, named after the prior mass it holds. */
export function priorCircleTrace(r = 2): Trace {
  const t = Array.from({ length: 73 }, (_, k) => (2 * Math.PI * k) / 72);
  return {
    type: "scatter",
    mode: "lines",
    x: t.map((a) => r * Math.cos(a)),
    y: t.map((a) => r * Math.sin(a)),
    name: `prior: ${Math.round(100 * priorMassWithin(r))} % of z ~ N(0, I)`,
    line: { color: "#111827", dash: "dash", width: 1.5 },
  };
}

/** `fig` (a 2-D latent map) with the prior's circle of radius `r` drawn on top. */
export function withPriorCircle(fig: Figure, r = 2): Figure {
  return { ...fig, data: [...fig.data, priorCircleTrace(r)] };
}
