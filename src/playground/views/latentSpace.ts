/**
 * View 2, "Latent space": the held-out digits' codes mu (first two dimensions) coloured by class,
 * with each class's centroid (mean mu) drawn large. A static SVG drawn by src/plots/svg.ts.
 */
import { escapeHtml } from "../../html";
import { figureToSvg, type Trace } from "../../plots/svg";
import type { PlaygroundData } from "../data";
import { classColour } from "./colours";
import { figureBlock } from "./figure";

export function latentSpaceSvg(data: PlaygroundData): string {
  const { points, labels, centroids, latentDim } = data.latent;
  const traces: Trace[] = data.classNames.map((name, c) => {
    const x: number[] = [],
      y: number[] = [];
    labels.forEach((l, i) => {
      if (l === c) (x.push(points[2 * i]), y.push(points[2 * i + 1]));
    });
    return { type: "scatter", mode: "markers", x, y, name, marker: { color: classColour(c), size: 5, opacity: 0.6 } };
  });
  // Centroids: a black ring (a larger black dot underneath) around a dot in the class colour.
  const cx = centroids.map((z) => z[0]),
    cy = centroids.map((z) => (latentDim > 1 ? z[1] : 0));
  traces.push({
    type: "scatter",
    mode: "markers",
    x: cx,
    y: cy,
    name: "centroids",
    showlegend: false,
    marker: { color: "#000", size: 18, opacity: 1 },
  });
  centroids.forEach((_, c) =>
    traces.push({
      type: "scatter",
      mode: "markers",
      x: [cx[c]],
      y: [cy[c]],
      showlegend: false,
      marker: { color: classColour(c), size: 13, opacity: 1 },
    }),
  );
  return figureToSvg({
    data: traces,
    layout: {
      title: { text: "Held-out digits in latent space" },
      width: 640,
      height: 500,
      xaxis: { title: { text: "z₁ (mu, dimension 1)" } },
      yaxis: { title: { text: latentDim > 1 ? "z₂ (mu, dimension 2)" : "(1-D latent space)" }, scaleanchor: "x" },
    },
  });
}

export function latentSpaceView(data: PlaygroundData): string {
  const { latentDim, distinctFraction, mostConfused, points } = data.latent;
  const n = points.length / 2;
  const k = Math.round(distinctFraction * data.classNames.length);
  const names = data.classNames;
  const centroidRows = data.latent.centroids
    .map(
      (z, c) =>
        `<tr><td><span class="swatch" style="background:${classColour(c)}"></span>${escapeHtml(names[c])}</td><td>${z
          .slice(0, 4)
          .map((v) => v.toFixed(2))
          .join(", ")}${z.length > 4 ? ", …" : ""}</td></tr>`,
    )
    .join("");
  return `<h2>Latent space</h2>
<p>Each dot is one held-out digit (${n.toLocaleString("en-US")} shown), placed at its code mu${latentDim > 2 ? ` — the first two of ${latentDim} dimensions` : ""}; the large dots are the class centroids (mean mu of each class).
<span data-role="separation">${k} of ${names.length} classes form distinct clusters (most of their points are nearer their own centroid than any other); the pair that overlaps most is ${escapeHtml(names[mostConfused[0]])} / ${escapeHtml(names[mostConfused[1]])}.</span></p>
${figureBlock("latent-scatter", `Scatter plot: ${n.toLocaleString("en-US")} held-out digits at their codes mu, coloured by class, with each class's centroid drawn large (the Centroids table below lists them). ${k} of ${names.length} classes form distinct clusters; ${names[mostConfused[0]]} and ${names[mostConfused[1]]} overlap most.`, latentSpaceSvg(data))}
<details><summary>Centroids</summary><table class="centroids"><tr><th>class</th><th>centroid (mu)</th></tr>${centroidRows}</table></details>`;
}
