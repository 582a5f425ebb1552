/**
 * Figure builders for the instructor experiments (notebook 04): the latent-dimension trade-off,
 * a latent map coloured by class, and curves over training. Pure: plain
 * arrays in, Plotly figure specs out (src/plots/svg.ts draws their static fallback).
 */
import type { Figure, Trace } from "./svg";
import { classColour } from "./palette";
import { plotTitle } from "./title";

/**
 * Reconstruction error and KL against latent dimension, KL on a second y axis (right). Dashed
 * lines: the same on the training images, to show (or rule out) overfitting.
 */
export function tradeoffFigure(
  points: { latentDim: number; testRecon: number; testKl: number; trainRecon?: number; trainKl?: number }[],
  options: { title?: string; reconTitle?: string } = {},
): Figure {
  const sorted = [...points].sort((a, b) => a.latentDim - b.latentDim);
  const x = sorted.map((p) => p.latentDim);
  const data: Trace[] = [
    {
      type: "scatter",
      mode: "lines+markers",
      x,
      y: sorted.map((p) => p.testRecon),
      name: "reconstruction (held-out)",
      line: { color: "#1f77b4" },
      marker: { color: "#1f77b4", size: 8 },
    },
    {
      type: "scatter",
      mode: "lines+markers",
      x,
      y: sorted.map((p) => p.testKl),
      name: "KL (held-out), right axis",
      yaxis: "y2",
      line: { color: "#d62728" },
      marker: { color: "#d62728", size: 8 },
    },
  ];
  if (sorted.every((p) => p.trainRecon !== undefined)) {
    data.push({
      type: "scatter",
      mode: "lines",
      x,
      y: sorted.map((p) => p.trainRecon!),
      name: "reconstruction (training)",
      line: { color: "#1f77b4", dash: "dash", width: 1 },
    });
  }
  return {
    data,
    layout: {
      title: { text: options.title ?? "Latent dimension: reconstruction vs KL" },
      width: 640,
      height: 400,
      xaxis: { title: { text: "latent dimension L" }, type: "log", tickvals: x, ticktext: x.map(String) },
      yaxis: { title: { text: options.reconTitle ?? "reconstruction BCE (nats per image)" } },
      yaxis2: { title: { text: "KL (nats per image)" }, overlaying: "y", side: "right", showgrid: false },
      legend: { x: 0.35, y: 0.98 },
      margin: { l: 60, r: 60, t: 50, b: 50 },
    },
  };
}

/** Codes (first two dimensions of [n × latentDim] mu) as points, one colour and legend entry per class. */
export function latentMapFigure(
  mu: ArrayLike<number>,
  latentDim: number,
  labels: ArrayLike<number>,
  classNames: string[],
  options: { title?: string; legend?: boolean; width?: number; height?: number } = {},
): Figure {
  if (latentDim < 2) throw new Error(`latentMapFigure: needs at least 2 latent dimensions, got ${latentDim}.`);
  const data: Trace[] = classNames.map((name, c) => {
    const x: number[] = [],
      y: number[] = [];
    for (let i = 0; i < labels.length; i++)
      if (labels[i] === c) (x.push(mu[i * latentDim]), y.push(mu[i * latentDim + 1]));
    return {
      type: "scatter",
      mode: "markers",
      x,
      y,
      name,
      showlegend: options.legend ?? true,
      marker: { size: 4, opacity: 0.7, color: classColour(c) },
    };
  });
  return {
    data,
    layout: {
      title: plotTitle(options.title),
      width: options.width ?? 420,
      height: options.height ?? 400,
      xaxis: { title: { text: "z₁ (mu)" } },
      yaxis: { title: { text: "z₂ (mu)" }, scaleanchor: "x" },
      margin: { l: 50, r: 10, t: 50, b: 45 },
    },
  };
}

/** Curves over training, one per run: e.g. held-out negative ELBO per epoch for L = 2, 5, 10, 20. */
export function curvesFigure(
  series: { name: string; x: number[]; y: number[] }[],
  options: { title: string; xTitle: string; yTitle: string; range?: [number, number]; width?: number; height?: number },
): Figure {
  return {
    data: series.map((s, k) => ({
      type: "scatter",
      mode: "lines+markers",
      x: s.x,
      y: s.y,
      name: s.name,
      line: { color: classColour(k) },
      marker: { size: 5, color: classColour(k) },
    })),
    layout: {
      title: plotTitle(options.title),
      width: options.width ?? 460,
      height: options.height ?? 360,
      // Whole-number ticks (epochs), at most ~10 of them.
      xaxis: {
        title: plotTitle(options.xTitle),
        dtick: Math.max(1, Math.ceil(Math.max(1, ...series.flatMap((s) => s.x)) / 10)),
      },
      yaxis: { title: plotTitle(options.yTitle), ...(options.range ? { range: options.range } : {}) },
      margin: { l: 60, r: 10, t: 50, b: 45 },
    },
  };
}

/** A figure resized for a grid of small panels: no legend, a smaller title that fits the width. */
export function panel(fig: Figure, width = 300, height = 300): Figure {
  const title = fig.layout?.title;
  const small =
    title === undefined
      ? undefined
      : ({ ...(typeof title === "string" ? { text: title } : title), font: { size: 13 } } as { text: string }); // Plotly reads font; the SVG fallback, text
  return {
    ...fig,
    data: fig.data.map((t) => ({ ...t, showlegend: false })),
    layout: { ...fig.layout, title: small, width, height, showlegend: false, margin: { l: 40, r: 10, t: 40, b: 35 } },
  };
}
