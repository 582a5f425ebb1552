/**
 * The latent navigator as one self-contained HTML fragment: markup, scoped CSS, the data (decoder
 * weights, centroids, map points) as JSON, and the browser code of client/ (core.js, view.js) inlined. No external
 * resources, so the same fragment works in a notebook output, in nbconvert's HTML export, inside the
 * playground page, and in a file opened offline.
 */
import { CLASS_COLOURS } from "../plots/palette";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { escapeHtml } from "../html";
import { projectRoot } from "../paths";
import type { NavigatorData } from "./navigatorData";

export interface NavigatorHtmlOptions {
  /** Unique on the page; default a random one. Tests reach the navigator as window.vaeLabNavigators[id]. */
  id?: string;
  title?: string;
  /** Sliders shown (the remaining dimensions keep their value; jumps and samples set them all). Default 10. */
  maxSliders?: number;
  /** The interpolation strips' default endpoints (class indices). Default 3 → 8. */
  from?: number;
  to?: number;
}

let clientSource: string | undefined;
/** The browser code, in order: the pure maths (decoding, interpolation), then the page's wiring. */
export const CLIENT_FILES = ["core.js", "view.js"] as const;

/** The text of the browser code (src/navigator/client/*.js), found in the project (src/ or via dist/). */
export function navigatorClientSource(): string {
  if (clientSource !== undefined) return clientSource;
  const candidates: string[] = [];
  const root = projectRoot();
  if (root) candidates.push(join(root, "src", "navigator", "client"));
  try {
    const req = createRequire(join(root ?? process.cwd(), "package.json"));
    candidates.push(join(req.resolve("vae-lab/package.json"), "..", "src", "navigator", "client"));
  } catch {
    // not linked as a package: the project root is the only place to look
  }
  const found = candidates.find((dir) => CLIENT_FILES.every((f) => existsSync(join(dir, f))));
  if (!found) {
    throw new Error(
      `The navigator's browser code (src/navigator/client/${CLIENT_FILES.join(", ")}) was not found (looked in: ${candidates.join(", ") || "no project root"}). Run from inside the vae-lab project, or run npm run build.`,
    );
  }
  clientSource = CLIENT_FILES.map((f) => readFileSync(join(found, f), "utf8")).join("\n");
  return clientSource;
}

const scriptSafe = (s: string) => s.replace(/<\/(script)/gi, "<\\/$1");
/** JSON that cannot end its <script> element early: every "<" becomes \u003c (still the same JSON). */
const jsonSafe = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");

function css(id: string): string {
  const r = `[data-vae-navigator="${id}"]`;
  return `
${r}{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;color:#222;border:1px solid #ddd;border-radius:8px;padding:12px;max-width:760px;background:#fff}
${r} .vn-title{font-weight:600;margin-bottom:8px}
${r} .vn-row{display:flex;gap:16px;flex-wrap:wrap;align-items:flex-start}
${r} canvas{border:1px solid #ccc;background:#fff}
${r} canvas[data-role=digit]{image-rendering:pixelated;width:196px;height:196px}
${r} canvas[data-role=map]{cursor:crosshair}
${r} .vn-cap{font-size:12px;color:#666;max-width:320px}
${r} .vn-slider{display:flex;align-items:center;gap:6px;margin:2px 0}
${r} .vn-slider input{width:160px}
${r} .vn-slider span[data-role=value]{font-variant-numeric:tabular-nums;width:3.5em;text-align:right}
${r} button{margin:2px;padding:2px 8px;border:1px solid #aaa;border-radius:4px;background:#f6f6f6;cursor:pointer}
${r} button:hover{background:#e8eef8}
${r} .vn-section{margin-top:8px}
${r} .vn-flex{display:flex;align-items:center}
${r} .vn-strip{display:flex;gap:2px;min-height:58px}
${r} .vn-strip canvas{width:56px;height:56px;image-rendering:pixelated}
${r} .vn-label{display:inline-block;width:6.5em;font-size:12px;color:#555}
${r} [data-role=nojs]{color:#a33;font-size:13px}`;
}

/**
 * The navigator fragment for `data`.
 *
 * @example
 * showHtml(navigatorHtml(navigatorData(model, test.images, test.labels), { title: "Latent navigator" }));
 */
export function navigatorHtml(data: NavigatorData, options: NavigatorHtmlOptions = {}): string {
  const id = options.id ?? `nav-${Math.random().toString(36).slice(2, 10)}`;
  if (!/^[A-Za-z][\w-]*$/.test(id))
    throw new Error(
      `navigatorHtml: id must be letters, digits, _ or -, starting with a letter; got ${JSON.stringify(id)}.`,
    );
  const k = data.classNames.length;
  if (data.centroids.length !== k)
    throw new Error(`navigatorHtml: ${k} class names but ${data.centroids.length} centroids.`);
  const from = options.from ?? (k > 8 ? 3 : 0);
  const to = options.to ?? (k > 8 ? 8 : k - 1);
  const L = data.latentDim;
  const nSliders = Math.min(L, options.maxSliders ?? 10);
  const sub = (i: number) => String(i + 1).replace(/\d/g, (d) => "₀₁₂₃₄₅₆₇₈₉"[Number(d)]!);
  const sliders = Array.from(
    { length: nSliders },
    (_, i) =>
      `<label class="vn-slider">z${sub(i)} <input type="range" min="-3" max="3" step="0.01" value="0" data-dim="${i}" aria-label="z${i + 1}"><span data-role="value" data-dim="${i}">0.00</span></label>`,
  ).join("");
  const hidden =
    L > nSliders
      ? `<div class="vn-cap">z${sub(nSliders)}…z${sub(L - 1)} keep their values; jumps and random samples set all ${L}.</div>`
      : "";
  const name = (c: number) => escapeHtml(String(data.classNames[c]));
  const buttons = (action: string) =>
    data.classNames
      .map((_, c) => `<button type="button" data-action="${action}" data-class="${c}">${name(c)}</button>`)
      .join("");
  const options_ = (selected: number) =>
    data.classNames
      .map((_, c) => `<option value="${c}"${c === selected ? " selected" : ""}>${name(c)}</option>`)
      .join("");
  const mapCaption =
    L >= 2
      ? `μ of held-out images (z${sub(0)} across, z${sub(1)} up, both from −3 to 3), centroids circled; the cross is the current z. Click to move it.`
      : "A 1-D latent space has no map; use the slider.";
  return `<div data-vae-navigator="${id}">
<style>${css(id)}</style>
<div class="vn-title">${escapeHtml(options.title ?? "Latent navigator")}</div>
<div data-role="nojs">This navigator runs in your browser. If you see this line, its script did not run: trust the notebook (File → Trust Notebook) and run the cell again.</div>
<div class="vn-row">
  <div><canvas data-role="map" width="320" height="320" role="img" aria-label="Latent map: ${escapeHtml(mapCaption)}"></canvas><div class="vn-cap">${mapCaption}</div></div>
  <div><canvas data-role="digit" width="196" height="196" role="img" aria-label="The image the decoder draws from the current z (its values are next to the sliders)"></canvas><div class="vn-cap" data-role="info" aria-live="polite"></div>${sliders}${hidden}
    <div class="vn-section"><button type="button" data-action="random">Random sample z ~ N(0, I)</button></div></div>
</div>
<div class="vn-section"><span class="vn-label">Jump to</span>${buttons("jump")}</div>
<div class="vn-section"><span class="vn-label">Morph toward</span>${buttons("morph")}<div class="vn-strip" data-role="strip-morph" role="img" aria-label="Images decoded along the morph, from the current z to the chosen class's centroid"></div></div>
<div class="vn-section"><span class="vn-label">Interpolate</span>from <select data-role="from" aria-label="interpolate from">${options_(from)}</select> to <select data-role="to" aria-label="interpolate to">${options_(to)}</select> <button type="button" data-action="interpolate">Interpolate</button></div>
<div class="vn-section vn-flex"><span class="vn-label">linear</span><div class="vn-strip" data-role="strip-linear" role="img" aria-label="Images decoded along the straight line between the two centroids"></div></div>
<div class="vn-section vn-flex"><span class="vn-label">spherical</span><div class="vn-strip" data-role="strip-slerp" role="img" aria-label="Images decoded along the spherical path between the two centroids"></div></div>
<script type="application/json" data-role="navigator-data">${jsonSafe({ ...data, classColours: CLASS_COLOURS })}</script>
<script>(function () {
${scriptSafe(navigatorClientSource())}
var root = document.querySelector('[data-vae-navigator="${id}"]');
if (root) root.querySelector('[data-role="nojs"]').style.display = "none";
vaeLabNavigator(${JSON.stringify(id)});
})();</script>
</div>`;
}
