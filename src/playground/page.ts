/**
 * Builds the playground as ONE self-contained HTML document: styles, KaTeX's CSS with inlined fonts,
 * static SVG figures, the navigator (decoder weights embedded), the page's data as a JSON block and
 * its script — no external resource of any kind. The server serves this string from memory, and
 * `--export` writes the same string to a file that works offline from disk.
 */
import { escapeHtml } from "../html";
import { PLAYGROUND_CLIENT_JS } from "./client";
import type { PlaygroundData } from "./data";
import { offlineKatexCss } from "./offlineKatex";
import { CONTENT_SECURITY_POLICY } from "./server";
import { latentSpaceView } from "./views/latentSpace";
import { modelLossView } from "./views/modelLoss";
import { navigatorView } from "./views/navigator";
import { reconstructionsView } from "./views/reconstructions";
import { trainingView } from "./views/training";

/** The five views, in tab order: [hash name, tab label]. */
export const VIEWS = [
  ["model", "Model & loss"],
  ["latent", "Latent space"],
  ["reconstructions", "Reconstructions"],
  ["navigator", "Navigator"],
  ["training", "Training behaviour"],
] as const;

const PAGE_CSS = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d232b;background:#f6f7f9}
header{padding:14px 24px 0;background:#fff;border-bottom:1px solid #dde1e6}
header h1{margin:0 0 2px;font-size:20px}
header p{margin:0 0 10px;color:#555;font-size:13px}
nav[role=tablist]{display:flex;gap:4px;flex-wrap:wrap}
nav button{border:1px solid #dde1e6;border-bottom:none;background:#eef0f3;padding:8px 14px;font:inherit;cursor:pointer;border-radius:6px 6px 0 0}
nav button[aria-selected=true]{background:#fff;font-weight:600;position:relative;top:1px}
main{padding:18px 24px;max-width:1280px}
section[data-view-panel]{display:none}
section[data-view-panel].active{display:block}
h2{margin:0 0 8px;font-size:19px} h3{margin:22px 0 8px;font-size:16px}
.diagram{display:flex;flex-wrap:wrap;align-items:flex-end;gap:6px 4px;padding:8px 0}
.layer{min-width:118px;max-width:170px;font-size:12px;text-align:center}
.layer-bar{margin:0 auto 4px;width:34px;border-radius:4px;background:#9db8d8}
.layer.encoder .layer-bar{background:#7aa6d8}.layer.decoder .layer-bar{background:#e3a26f}.layer.latent .layer-bar{background:#8cc98c}.layer.io .layer-bar{background:#bbb}
.layer-label{font-weight:600}.layer-name{font-family:ui-monospace,monospace;margin-top:3px}.layer-desc,.layer-meta{color:#555}
.arrow{align-self:center;color:#888;font-size:18px}
.formula{overflow-x:auto;padding:2px 0}
table{border-collapse:collapse;font-size:13px;background:#fff}
th,td{border:1px solid #dde1e6;padding:4px 10px;text-align:left}
.figure svg{max-width:100%;height:auto;background:#fff;border:1px solid #dde1e6}
.figures{display:flex;flex-wrap:wrap;gap:12px}
.swatch{display:inline-block;width:10px;height:10px;margin-right:6px;border-radius:2px}
.recon-row{display:flex;align-items:center;gap:4px;margin:4px 0}
.recon-row canvas{width:56px;height:56px;image-rendering:pixelated;border:1px solid #ccc;background:#000}
.row-label{width:150px;font-size:13px;color:#555}
.notice{background:#fff7e0;border:1px solid #f0d48a;padding:8px 12px;border-radius:6px}
.note{color:#555;font-size:13px}
.try{margin-top:20px;background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:4px 16px 10px}
.try li{margin:8px 0}
button{font:inherit;cursor:pointer}
code{font-family:ui-monospace,monospace;font-size:90%;background:#eef0f3;padding:0 3px;border-radius:3px}
`;

/** JSON that is safe inside a <script> element (no "</script", no "<!--"). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/**
 * @param navigatorFragment  the navigator's self-contained HTML (`navigatorHtml`), placed in view 4
 */
export function playgroundPage(data: PlaygroundData, navigatorFragment: string): string {
  const s = data.settings;
  const bodies: Record<(typeof VIEWS)[number][0], string> = {
    model: modelLossView(data),
    latent: latentSpaceView(data),
    reconstructions: reconstructionsView(data),
    navigator: navigatorView(data, navigatorFragment),
    training: trainingView(data),
  };
  const tabs = VIEWS.map(
    ([name, label]) =>
      `<button type="button" role="tab" id="tab-${name}" aria-controls="view-${name}" data-view-tab="${name}" aria-selected="false" tabindex="-1">${escapeHtml(label)}</button>`,
  ).join("");
  const sections = VIEWS.map(
    ([name]) =>
      `<section data-view-panel="${name}" role="tabpanel" id="view-${name}" aria-labelledby="tab-${name}" tabindex="0">${bodies[name]}</section>`,
  ).join("\n");
  const clientData = {
    classNames: data.classNames,
    reconstructions: data.reconstructions,
    latent: { centroids: data.latent.centroids },
  };
  const subtitle = `${s.model === "mlp" ? "MLP" : "convolutional"} VAE, latentDim ${s.latentDim}, ${data.paramCount.toLocaleString("en-US")} parameters, trained ${data.history.length} epoch${data.history.length === 1 ? "" : "s"} on ${data.dataSource}; held-out negative ELBO ${data.heldOut.total.toFixed(2)} nats per image.`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<title>vae-lab playground</title>
<link rel="icon" href="data:,">
<style>${offlineKatexCss()}</style>
<style>${PAGE_CSS}</style>
</head>
<body>
<header><h1>vae-lab playground</h1><p data-role="subtitle">${escapeHtml(subtitle)}</p>
<nav role="tablist">${tabs}</nav></header>
<main>
${sections}
</main>
<script type="application/json" id="vae-lab-playground-data">${scriptJson(clientData)}</script>
<script>${PLAYGROUND_CLIENT_JS.replace(/<\/script/gi, "<\\/script")}</script>
</body>
</html>
`;
}
