/**
 * Pure builders of Plotly figure specs for the lessons. They take plain arrays and return a Figure;
 * displaying is the notebook adapter's job (src/notebook/display.ts).
 */
import type { Figure, Trace } from "./svg";
import { plotTitle } from "./title";

/** Column `k` of row-major [n × dim] values. */
export function column(values: ArrayLike<number>, dim: number, k: number): number[] {
  const n = Math.floor(values.length / dim);
  return Array.from({ length: n }, (_, i) => values[i * dim + k]);
}

/** A 2-D point cloud with equal axes, optionally coloured by a number per point. */
export function scatter2d(
  points: ArrayLike<number>,
  options: {
    title?: string;
    color?: ArrayLike<number>;
    name?: string;
    size?: number;
    xTitle?: string;
    yTitle?: string;
  } = {},
): Figure {
  const trace: Trace = {
    type: "scatter",
    mode: "markers",
    x: column(points, 2, 0),
    y: column(points, 2, 1),
    name: options.name,
    marker: {
      size: options.size ?? 4,
      opacity: 0.7,
      ...(options.color ? { color: Array.from(options.color), colorscale: "Viridis" } : {}),
    },
  };
  return {
    data: [trace],
    layout: {
      title: plotTitle(options.title),
      width: 520,
      height: 460,
      xaxis: { title: { text: options.xTitle ?? "x" } },
      yaxis: { title: { text: options.yTitle ?? "y" }, scaleanchor: "x" },
      margin: { l: 50, r: 20, t: 50, b: 45 },
    },
  };
}

const lineTrace = (y: number[], name: string, x?: number[]): Trace => ({
  type: "scatter",
  mode: "lines",
  x: x ?? y.map((_, i) => i + 1),
  y,
  name,
});

/**
 * Loss curves: total, reconstruction and KL against step or epoch. With `beta` ≠ 1 the legend says
 * what is weighted: the total adds β·KL, while the KL curve is drawn unweighted (so it can sit above
 * the total).
 */
export function lossFigure(
  history: { step: number; epoch: number; total: number; recon: number; kl: number }[],
  options: { per?: "step" | "epoch"; title?: string; logY?: boolean; beta?: number } = {},
): Figure {
  const per = options.per ?? "step";
  const x = history.map((h) => (per === "step" ? h.step : h.epoch));
  const weighted = options.beta !== undefined && options.beta !== 1;
  const names = weighted
    ? [`total = recon + ${options.beta}·KL`, "reconstruction", `KL (unweighted; ×${options.beta} in the total)`]
    : ["total", "reconstruction", "KL"];
  return {
    data: [
      lineTrace(
        history.map((h) => h.total),
        names[0],
        x,
      ),
      lineTrace(
        history.map((h) => h.recon),
        names[1],
        x,
      ),
      lineTrace(
        history.map((h) => h.kl),
        names[2],
        x,
      ),
    ],
    layout: {
      title: { text: options.title ?? "Training loss" },
      width: 640,
      height: 380,
      xaxis: { title: { text: per } },
      yaxis: { title: { text: "loss" }, type: options.logY ? "log" : "linear" },
    },
  };
}

/** Originals and reconstructions, with a segment from each point to its reconstruction. */
export function reconstructionFigure(
  x: ArrayLike<number>,
  xHat: ArrayLike<number>,
  title = "Originals and their reconstructions",
): Figure {
  const n = Math.floor(x.length / 2);
  const sx: (number | null)[] = [],
    sy: (number | null)[] = [];
  for (let i = 0; i < n; i++) (sx.push(x[2 * i], xHat[2 * i], null), sy.push(x[2 * i + 1], xHat[2 * i + 1], null));
  return {
    data: [
      {
        type: "scatter",
        mode: "lines",
        x: sx as number[],
        y: sy as number[],
        name: "x → xHat",
        line: { color: "#bbb", width: 1 },
        showlegend: false,
      },
      {
        type: "scatter",
        mode: "markers",
        x: column(x, 2, 0),
        y: column(x, 2, 1),
        name: "original x",
        marker: { size: 6, color: "#1f77b4" },
      },
      {
        type: "scatter",
        mode: "markers",
        x: column(xHat, 2, 0),
        y: column(xHat, 2, 1),
        name: "reconstruction xHat",
        marker: { size: 6, color: "#d62728" },
      },
    ],
    layout: {
      title: { text: title },
      width: 560,
      height: 480,
      xaxis: { title: { text: "x" } },
      yaxis: { title: { text: "y" }, scaleanchor: "x" },
    },
  };
}

/** Real data under points decoded from a grid of latent codes. */
export function overlayFigure(data: ArrayLike<number>, decoded: ArrayLike<number>, title: string): Figure {
  return {
    data: [
      {
        type: "scatter",
        mode: "markers",
        x: column(data, 2, 0),
        y: column(data, 2, 1),
        name: "real data",
        marker: { size: 3, color: "#9ca3af", opacity: 0.5 },
      },
      {
        type: "scatter",
        mode: "markers",
        x: column(decoded, 2, 0),
        y: column(decoded, 2, 1),
        name: "decoded latent grid",
        marker: { size: 5, color: "#d62728" },
      },
    ],
    layout: {
      title: { text: title },
      width: 560,
      height: 480,
      xaxis: { title: { text: "x" } },
      yaxis: { title: { text: "y" }, scaleanchor: "x" },
    },
  };
}

/**
 * Several snapshots of a point cloud as ONE figure with a slider (Plotly frames). The static
 * fallback shows the last snapshot.
 */
export function snapshotSliderFigure(
  background: ArrayLike<number>,
  snapshots: { label: string; points: ArrayLike<number> }[],
  title: string,
): Figure {
  const bg: Trace = {
    type: "scatter",
    mode: "markers",
    x: column(background, 2, 0),
    y: column(background, 2, 1),
    name: "real data",
    marker: { size: 3, color: "#d1d5db" },
  };
  const pts = (p: ArrayLike<number>): Trace => ({
    type: "scatter",
    mode: "markers",
    x: column(p, 2, 0),
    y: column(p, 2, 1),
    name: "model samples",
    marker: { size: 4, color: "#2563eb" },
  });
  const last = snapshots[snapshots.length - 1];
  return {
    data: [bg, pts(last.points)],
    // Each frame replaces only the samples (trace 1): the background is stored once.
    frames: snapshots.map((s) => ({ name: s.label, data: [pts(s.points)], traces: [1] })),
    layout: {
      title: { text: title },
      width: 560,
      height: 540,
      xaxis: { title: { text: "x" }, range: [-1.2, 1.2] },
      yaxis: { title: { text: "y" }, range: [-1.2, 1.2], scaleanchor: "x" },
      sliders: [
        {
          active: snapshots.length - 1,
          currentvalue: { prefix: "after " },
          steps: snapshots.map((s) => ({
            label: s.label,
            method: "animate",
            args: [[s.label], { mode: "immediate", frame: { duration: 0, redraw: true }, transition: { duration: 0 } }],
          })),
        },
      ],
    },
  } as Figure;
}
