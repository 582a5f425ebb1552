/**
 * Figures of a labelled latent space (lesson 2): codes coloured by class, and how well the classes
 * separate (the confusion of nearest-centroid assignment, src/vae/latent.ts `clusterSeparation`).
 * Pure builders of Plotly specs, like src/plots/figures.ts.
 */
import { column } from "./figures";
import { classColour } from "./palette";
import type { Figure, Trace } from "./svg";

/** Ten class colours that colour-blind readers can tell apart (src/plots/palette.ts). */
export { CLASS_COLOURS } from "./palette";

/**
 * The first two coordinates of `points` ([n × dim] row-major), one trace per class so the legend
 * names them; with `centroids` ([numClasses × dim]), each class's centroid as a labelled cross.
 */
export function classScatterFigure(
  points: ArrayLike<number>,
  labels: ArrayLike<number>,
  classNames: string[],
  options: { dim?: number; title?: string; centroids?: ArrayLike<number>; size?: number } = {},
): Figure {
  const dim = options.dim ?? 2;
  if (points.length !== labels.length * dim)
    throw new Error(
      `classScatterFigure: ${labels.length} labels need ${labels.length * dim} coordinates, got ${points.length}.`,
    );
  const x = column(points, dim, 0),
    y = column(points, dim, 1);
  const traces: Trace[] = classNames.map((name, c) => {
    const idx = Array.from(labels, (l, i) => (l === c ? i : -1)).filter((i) => i >= 0);
    return {
      type: "scatter",
      mode: "markers",
      name,
      x: idx.map((i) => x[i]),
      y: idx.map((i) => y[i]),
      marker: { size: options.size ?? 5, opacity: 0.75, color: classColour(c) },
    };
  });
  if (options.centroids) {
    const cx = column(options.centroids, dim, 0),
      cy = column(options.centroids, dim, 1);
    traces.push({
      type: "scatter",
      mode: "markers+text",
      name: "class centroids",
      x: cx,
      y: cy,
      text: classNames,
      textposition: "top center",
      marker: { size: 11, color: "#111", symbol: "x" },
      textfont: { size: 14, color: "#111" },
    });
  }
  return {
    data: traces,
    layout: {
      title: { text: options.title ?? "Latent codes by class" },
      width: 600,
      height: 520,
      xaxis: { title: { text: "z₁" } },
      yaxis: { title: { text: "z₂" }, scaleanchor: "x" },
      margin: { l: 50, r: 20, t: 50, b: 45 },
    },
  };
}

/**
 * confusion[a][b] (fraction of class a's codes nearest to class b's centroid) as a heatmap: true
 * class up the y axis, nearest centroid along x. A bright diagonal means well separated classes.
 */
export function confusionFigure(
  confusion: number[][],
  classNames: string[],
  title = "Nearest-centroid confusion",
): Figure {
  const idx = classNames.map((_, c) => c);
  const axis = (t: string) => ({ title: { text: t }, tickvals: idx, ticktext: classNames });
  return {
    data: [
      {
        type: "heatmap",
        z: confusion,
        x: idx,
        y: idx,
        colorscale: "Viridis",
        zmin: 0,
        zmax: 1,
        customdata: confusion.map((row, a) => row.map((_, b) => [classNames[a], classNames[b]])),
        hovertemplate: "true %{customdata[0]}, nearest %{customdata[1]}: %{z:.0%}<extra></extra>",
      },
    ],
    layout: {
      title: { text: title },
      width: 480,
      height: 440,
      xaxis: axis("nearest class centroid"),
      yaxis: axis("true class"),
      margin: { l: 60, r: 20, t: 50, b: 55 },
    },
  };
}
