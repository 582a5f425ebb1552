/**
 * View 5, "Training behaviour": per epoch, the negative ELBO and its two terms on the training
 * batches and on held-out data, and the fraction of classes that form distinct clusters (nearest-
 * centroid criterion, `clusterSeparation`); then the latent-dimension trade-off across experiment
 * runs, when `npm run experiment` has written results.
 */
import { escapeHtml } from "../../html";
import { figureToSvg, type Trace } from "../../plots/svg";
import type { PlaygroundData } from "../data";
import { tradeOffRows, type ExperimentResults } from "../experiments";
import { figureBlock, trend } from "./figure";

const line = (x: number[], y: number[], name: string, color: string): Trace => ({
  type: "scatter",
  mode: x.length > 20 ? "lines" : "lines+markers",
  x,
  y,
  name,
  line: { color },
  marker: { color, size: 5 },
});

function curves(data: PlaygroundData): string {
  const train = data.history;
  const held = data.heldOutHistory;
  const te = train.map((h) => h.epoch),
    he = held.map((h) => h.epoch);
  const elbo = figureToSvg({
    data: [
      line(
        te,
        train.map((h) => h.total),
        "training",
        "#1f77b4",
      ),
      ...(held.length
        ? [
            line(
              he,
              held.map((h) => h.total),
              "held-out",
              "#d62728",
            ),
          ]
        : []),
    ],
    layout: {
      title: { text: "Negative ELBO per epoch (nats per image)" },
      width: 560,
      height: 340,
      xaxis: { title: { text: "epoch" } },
      yaxis: { title: { text: "−ELBO" } },
    },
  });
  // Reconstruction and KL on separate axes: KL (a few nats) would be a flat line under recon (~150).
  const part = (key: "recon" | "kl", title: string, colors: [string, string]) =>
    figureToSvg({
      data: [
        line(
          te,
          train.map((h) => h[key]),
          "training",
          colors[0],
        ),
        ...(held.length
          ? [
              line(
                he,
                held.map((h) => h[key]),
                "held-out",
                colors[1],
              ),
            ]
          : []),
      ],
      layout: {
        title: { text: title },
        width: 560,
        height: 300,
        xaxis: { title: { text: "epoch" } },
        yaxis: { title: { text: "nats per image" } },
      },
    });
  const recon = part("recon", "Reconstruction term per epoch", ["#1f77b4", "#d62728"]);
  const kl = part("kl", "KL term per epoch", ["#2ca02c", "#ff7f0e"]);
  const clusters = held.length
    ? figureToSvg({
        data: [
          line(
            he,
            held.map((h) => h.distinctFraction),
            "distinct clusters",
            "#9467bd",
          ),
        ],
        layout: {
          title: { text: "Fraction of classes forming distinct clusters" },
          width: 560,
          height: 300,
          xaxis: { title: { text: "epoch" } },
          yaxis: { title: { text: "fraction of classes" }, range: [0, 1.05] },
        },
      })
    : "";
  const missing = held.length
    ? ""
    : `<p class="notice" data-role="no-heldout-history">This checkpoint was saved before per-epoch held-out scores were recorded. Train again (<code>npm start -- --retrain</code>) to see held-out curves and cluster separation per epoch.</p>`;
  const epochs = `over ${train.length} epoch${train.length === 1 ? "" : "s"}, nats per image`;
  const label = (what: string, key: "total" | "recon" | "kl") =>
    `Line chart: ${what} per epoch ${epochs}: ${[
      trend(
        "training",
        train.map((h) => h[key]),
      ),
      ...(held.length
        ? [
            trend(
              "held-out",
              held.map((h) => h[key]),
            ),
          ]
        : []),
    ].join("; ")}.`;
  const figures = [
    figureBlock("elbo-curve", label("negative ELBO", "total"), elbo),
    figureBlock("recon-curve", label("reconstruction term", "recon"), recon),
    figureBlock("kl-curve", label("KL term", "kl"), kl),
    ...(clusters
      ? [
          figureBlock(
            "cluster-curve",
            `Line chart: fraction of classes forming distinct clusters per epoch: ${trend(
              "held-out",
              held.map((h) => h.distinctFraction),
              2,
            )}.`,
            clusters,
          ),
        ]
      : []),
  ];
  return `<div class="figures">${figures.join("")}</div>${missing}`;
}

/** The trade-off panel: results table and curves against latentDim, or how to produce them. */
export function tradeOffPanel(results: ExperimentResults): string {
  if (results.status === "missing") {
    return `<p class="notice" data-role="tradeoff-missing">No experiment results yet. Run <code>npm run experiment</code> to train models with several latent dimensions; this panel then compares their reconstruction and KL (read from <code>${escapeHtml(results.file)}</code>).</p>`;
  }
  if (results.status === "malformed") {
    return `<p class="notice" data-role="tradeoff-malformed">Experiment results at <code>${escapeHtml(results.file)}</code> cannot be shown: ${escapeHtml(results.message)}. Run <code>npm run experiment</code> again to rewrite them.</p>`;
  }
  // Image models only (the Swiss-roll sweep is about model size, not digits); curves only where a
  // group has several latent dimensions to join.
  const rows = tradeOffRows(results.runs.filter((r) => !/swiss/i.test(r.dataset)));
  if (rows.length === 0) {
    return `<p class="notice" data-role="tradeoff-missing">The results in <code>${escapeHtml(results.file)}</code> have no image-model runs. Run <code>npm run experiment -- --sweep latent</code> to train models with several latent dimensions.</p>`;
  }
  const groups = [...new Set(rows.map((r) => r.group))].filter(
    (g) => new Set(rows.filter((r) => r.group === g).map((r) => r.latentDim)).size > 1,
  );
  const palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];
  const traces: Trace[] = groups.flatMap((g, k) => {
    const rs = rows.filter((r) => r.group === g);
    const x = rs.map((r) => r.latentDim);
    const label = groups.length > 1 ? ` (${g})` : "";
    return [
      line(
        x,
        rs.map((r) => r.testRecon),
        `recon${label}`,
        palette[(2 * k) % palette.length],
      ),
      line(
        x,
        rs.map((r) => r.testKl),
        `KL${label}`,
        palette[(2 * k + 1) % palette.length],
      ),
    ];
  });
  const svg = figureToSvg({
    data: traces,
    layout: {
      title: { text: "Held-out reconstruction and KL against latentDim" },
      width: 640,
      height: 360,
      xaxis: { title: { text: "latentDim" } },
      yaxis: { title: { text: "nats per image" } },
    },
  });
  const table = rows
    .map(
      (r) =>
        `<tr><td>${escapeHtml(r.group)}</td><td>${r.latentDim}</td><td>${r.testRecon.toFixed(2)}</td><td>${r.testKl.toFixed(2)}</td><td>${r.testNegElbo.toFixed(2)}</td><td>${r.runs}</td></tr>`,
    )
    .join("");
  const skipped =
    results.skipped > 0
      ? `<p class="notice">${results.skipped} run${results.skipped > 1 ? "s" : ""} without the needed numbers ${results.skipped > 1 ? "were" : "was"} skipped.</p>`
      : "";
  return `<p>A larger latentDim lets the decoder reconstruct more detail (recon falls) but the code carries more information (KL rises). From <code>${escapeHtml(results.file)}</code>, means over seeds:</p>
${figureBlock("tradeoff-curve", `Line chart: held-out reconstruction and KL against latentDim (the table below has the numbers): ${rows.map((r) => `latentDim ${r.latentDim}${groups.length > 1 ? ` (${r.group})` : ""} recon ${r.testRecon.toFixed(1)}, KL ${r.testKl.toFixed(1)}`).join("; ")}.`, svg)}
<table class="tradeoff" data-role="tradeoff-table"><tr><th>runs of</th><th>latentDim</th><th>recon</th><th>KL</th><th>−ELBO</th><th>seeds</th></tr>${table}</table>${skipped}`;
}

export function trainingView(data: PlaygroundData): string {
  return `<h2>Training behaviour</h2>
<p>${data.history.length} epochs. The training curve is the mean over each epoch's batches (while the weights changed); held-out scores are measured after each epoch on digits the model never trained on.</p>
${curves(data)}
<h3>The latent-dimension trade-off</h3>
<div data-role="tradeoff">${tradeOffPanel(data.experiments)}</div>`;
}
