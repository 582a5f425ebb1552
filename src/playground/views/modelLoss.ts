/**
 * View 1, "Model & loss": the layer diagram (sizes and parameter counts, from `Vae.summary()`), the
 * loss ℒ = ℒ_recon + β·KL with both terms typeset by KaTeX and the trained model's held-out values
 * filled in, and the hyperparameters that produced it.
 *
 * The KL term is the closed form for a diagonal Gaussian against N(0, I) (Kingma & Welling 2014,
 * Appendix B); the reconstruction term is the Bernoulli (or Gaussian) negative log-likelihood.
 */
import { escapeHtml } from "../../html";
import { betaScheduleText } from "../../mnistJob";
import { renderMath } from "../../notebook/display";
import type { LayerSummary } from "../../vae/types";
import type { PlaygroundData } from "../data";

const fmt = (v: number, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : "—");
const shape = (s: number[]) => `[${s.map((d) => (d < 0 ? "·" : String(d))).join(", ")}]`;
const units = (s: number[]) => s.filter((d) => d > 0).reduce((a, b) => a * b, 1);

function layerBox(rows: LayerSummary[], label: string, role: string): string {
  const size = Math.max(...rows.map((r) => units(r.outputShape)));
  const height = Math.round(24 + 16 * Math.log2(Math.max(2, size))); // log scale: 2 and 784 both fit
  const lines = rows
    .map(
      (r) =>
        `<div class="layer-name">${escapeHtml(r.name)}</div><div class="layer-desc">${escapeHtml(r.description)}</div><div class="layer-meta">${shape(r.outputShape)} · ${r.params.toLocaleString("en-US")} params</div>`,
    )
    .join("");
  return `<div class="layer ${role}" data-layer="${escapeHtml(rows.map((r) => r.name).join(" "))}"><div class="layer-bar" style="height:${height}px"></div><div class="layer-label">${escapeHtml(label)}</div>${lines}</div>`;
}

function plainBox(label: string, detail: string, size: number, role: string): string {
  const height = Math.round(24 + 16 * Math.log2(Math.max(2, size)));
  return `<div class="layer ${role}"><div class="layer-bar" style="height:${height}px"></div><div class="layer-label">${label}</div><div class="layer-desc">${detail}</div></div>`;
}

/** The model as a left-to-right diagram: x → encoder → (mu, logVar) → z → decoder → xHat. */
export function layerDiagram(data: PlaygroundData): string {
  const enc = data.layers.filter((l) => l.name.startsWith("encoder/") && !/\/(mu|logVar)$/.test(l.name));
  const heads = data.layers.filter((l) => /^encoder\/(mu|logVar)$/.test(l.name));
  const dec = data.layers.filter((l) => l.name.startsWith("decoder/"));
  const inputDim = data.config.kind === "mlp" ? data.config.inputDim : data.config.imageSize ** 2;
  const L = data.config.latentDim;
  const arrow = `<div class="arrow">→</div>`;
  const boxes = [
    plainBox("input x", `${inputDim} pixels`, inputDim, "io"),
    ...enc.map((l) => layerBox([l], "encoder", "encoder")),
    layerBox(heads, "mu, logVar", "latent"),
    plainBox("z = mu + σ·eps", `${L}-D code, eps ~ N(0, I)`, L, "latent"),
    ...dec.map((l) => layerBox([l], l.name === dec.at(-1)?.name ? "decoder → xHat" : "decoder", "decoder")),
  ];
  return `<div class="diagram" data-role="layer-diagram">${boxes.join(arrow)}</div>
<p class="total">Total: <strong data-role="param-count">${data.paramCount.toLocaleString("en-US")}</strong> trainable parameters.</p>`;
}

/** The loss, typeset, with the held-out values in nats per image. */
export function lossFormulas(data: PlaygroundData): string {
  const { recon, kl, total } = data.heldOut;
  const D = data.config.kind === "mlp" ? data.config.inputDim : data.config.imageSize ** 2;
  const L = data.config.latentDim;
  const finalBeta = typeof data.settings.beta === "number" ? data.settings.beta : data.settings.beta.to;
  const betaTex = finalBeta === 1 ? "" : "\\beta\\,";
  const reconTex =
    data.config.likelihood === "bernoulli"
      ? `\\mathcal{L}_{\\text{recon}} = -\\sum_{i=1}^{${D}} \\Big[x_i \\log \\hat{x}_i + (1 - x_i) \\log (1 - \\hat{x}_i)\\Big] = ${fmt(recon)}`
      : `\\mathcal{L}_{\\text{recon}} = \\sum_{i=1}^{${D}} (x_i - \\hat{x}_i)^2 = ${fmt(recon)}`;
  const klTex = `\\mathrm{KL}\\big(q(z \\mid x) \\,\\|\\, p(z)\\big) = \\tfrac{1}{2} \\sum_{j=1}^{${L}} \\big(\\mu_j^2 + \\sigma_j^2 - \\log \\sigma_j^2 - 1\\big) = ${fmt(kl)}`;
  const sumTex = `\\mathcal{L} = ${fmt(recon)} + ${finalBeta === 1 ? "" : `${finalBeta} \\times `}${fmt(kl)} = ${fmt(recon + finalBeta * kl)}`;
  const math = (tex: string, role: string) => `<div class="formula" data-role="${role}">${renderMath(tex, true)}</div>`;
  return `${math(`\\mathcal{L} = \\mathcal{L}_{\\text{recon}} + ${betaTex}\\mathrm{KL}`, "formula-loss")}
${math(reconTex, "formula-recon")}
${math(klTex, "formula-kl")}
${math(sumTex, "formula-values")}
<p class="note">Values: the trained model's mean over ${escapeHtml(data.dataSource.includes("embedded") ? "the held-out digits" : "the test set")}, in nats per image${
    finalBeta === 1
      ? ""
      : ` (the training loss weighs KL by β = ${finalBeta}; the negative ELBO, β = 1, is ${fmt(total)})`
  }. Here x̂ is the decoder's output for one sample z = mu + σ·eps, σ = exp(½·logVar).</p>`;
}

export function hyperparameterTable(data: PlaygroundData): string {
  const s = data.settings;
  const rows: [string, string][] = [
    ["model", s.model === "mlp" ? `MLP (hidden ${s.hidden})` : "convolutional"],
    ["latent dimension (latentDim)", String(s.latentDim)],
    ["epochs", `${s.epochs}${data.history.length !== s.epochs ? ` (history has ${data.history.length})` : ""}`],
    ["batch size", String(s.batchSize)],
    ["learning rate (Adam)", String(s.learningRate)],
    ["KL weight", betaScheduleText(s.beta)],
    ["seed", String(s.seed)],
    ["data", data.dataSource],
    ["compute backend", data.backend],
    ["training time", Number.isFinite(data.trainSeconds) ? `${data.trainSeconds.toFixed(1)} s` : "unknown"],
    ["this run", data.loaded ? "loaded from a checkpoint" : "trained now"],
  ];
  return `<table class="hyper" data-role="hyperparameters">${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join("")}</table>`;
}

export function modelLossView(data: PlaygroundData): string {
  return `<h2>Model &amp; loss</h2>
<p>The encoder maps an image x to the mean mu and log-variance logVar of a Gaussian over codes z; the decoder maps a code back to pixel probabilities xHat. Bar heights grow with the layer's width (log scale).</p>
${layerDiagram(data)}
<h3>The loss: negative ELBO</h3>
${lossFormulas(data)}
<h3>Hyperparameters</h3>
${hyperparameterTable(data)}`;
}
