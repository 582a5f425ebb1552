/**
 * Pure builders of Plotly figure specs for the lessons. They take plain arrays and return a Figure;
 * displaying is the notebook adapter's job (src/notebook/display.ts).
 */
import type { Figure, Trace } from "./svg";

/** Column `k` of row-major [n × dim] values. */
export function column(values: ArrayLike<number>, dim: number, k: number): number[] {
  const n = Math.floor(values.length / dim);
  return Array.from({ length: n }, (_, i) => values[i * dim + k]);
}

/** A 2-D point cloud with equal axes, optionally coloured by a number per point. */
export function scatter2d(points: ArrayLike<number>, options: { title?: string; color?: ArrayLike<number>; name?: string; size?: number; xTitle?: string; yTitle?: string } = {}): Figure {
  const trace: Trace = {
    type: "scatter",
    mode: "markers",
    x: column(points, 2, 0),
    y: column(points, 2, 1),
    name: options.name,
    marker: { size: options.size ?? 4, opacity: 0.7, ...(options.color ? { color: Array.from(options.color), colorscale: "Viridis" } : {}) },
  };
  return {
    data: [trace],
    layout: {
      title: options.title,
      width: 520,
      height: 460,
      xaxis: { title: options.xTitle ?? "x" },
      yaxis: { title: options.yTitle ?? "y", scaleanchor: "x" },
      margin: { l: 50, r: 20, t: 50, b: 45 },
    },
  };
}
