/**
 * The notebook display adapter (docs/design.md §3): the one place that talks to tslab's display channel.
 *
 * - `showPlot(fig)`: a Plotly figure. plotly.js (4.6 MB minified) is sent to the page once per kernel
 *   session, in the first figure's output; later figures wait for it. Every figure carries a static
 *   SVG fallback (drawn by src/plots/svg.ts) inside its div — replaced by the live plot where scripts
 *   run (trusted notebooks), kept where they do not (untrusted, nbviewer, GitHub) — and as
 *   image/svg+xml in the same bundle.
 * - `showMath(tex)`: KaTeX HTML+MathML; KaTeX's CSS, with its main fonts inlined, once per session.
 * - `showHtml`, `showMarkdown`, `showText`, and `progressDisplay()`: one output updated in place.
 *
 * Outside a tslab kernel (plain Node, vitest) there is no display channel: output goes to the sink
 * set with `setDisplaySink` (tests), or nowhere.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import katex from "katex";
import { cacheDir, projectRoot } from "../paths";
import { figureToSvg, type Figure } from "../plots/svg";

export type MimeBundle = Record<string, string>;
export type DisplaySink = (bundle: MimeBundle, options: { id?: string; update: boolean }) => void;

const req = createRequire(join(projectRoot() ?? process.cwd(), "package.json"));
let testSink: DisplaySink | undefined;

/** Routes displays to `sink` (tests) instead of the kernel; pass undefined to restore. */
export function setDisplaySink(sink: DisplaySink | undefined): void {
  testSink = sink;
}

type Writer = (data: unknown, update: boolean) => void;
let tslabJupyter: string | undefined; // the running kernel's tslab/dist/jupyter.js, once found

/**
 * tslab's writer for the cell that is running now, or undefined outside a kernel. tslab's public
 * `display` sends one MIME type per output; a figure needs several (HTML, SVG, text) in one bundle,
 * so we use the writer behind it — from the tslab that is running (found among loaded modules: it
 * may not be the copy in this project's node_modules).
 */
function kernelWriter(): Writer | undefined {
  tslabJupyter ??= Object.keys(req.cache).find((f) => /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(f));
  if (!tslabJupyter) return undefined; // not in a tslab kernel: nothing has loaded it
  const jupyter = req.cache[tslabJupyter]?.exports as { lastWriteDisplayData?: Writer | null } | undefined;
  return jupyter?.lastWriteDisplayData ?? undefined;
}

/** Whether outputs reach a notebook (a tslab kernel, or a test sink). */
export function inNotebook(): boolean {
  return testSink !== undefined || kernelWriter() !== undefined;
}

/** Sends one display bundle; with `id`, later calls with the same id and update=true replace it. */
export function displayBundle(bundle: MimeBundle, options: { id?: string; update?: boolean } = {}): void {
  const update = options.update ?? false;
  if (testSink) return testSink(bundle, { id: options.id, update });
  const write = kernelWriter();
  if (!write) return;
  write({ data: bundle, metadata: {}, transient: options.id ? { display_id: options.id } : {} }, update);
}

export function showHtml(html: string, plain = "[HTML output]"): void {
  displayBundle({ "text/html": html, "text/plain": plain });
}

export function showMarkdown(md: string): void {
  displayBundle({ "text/markdown": md, "text/plain": md });
}

export function showText(text: string): void {
  displayBundle({ "text/plain": text });
}

// ---- math -----------------------------------------------------------------------------------------

let katexCssSent = false;
const INLINED_FONTS = ["Main-Regular", "Main-Bold", "Main-Italic", "Math-Italic", "Size1-Regular", "Size2-Regular", "Size3-Regular", "Size4-Regular", "AMS-Regular"];

/** KaTeX's CSS with its most used fonts inlined as data URIs, so math renders offline. */
export function katexCss(): string {
  const dir = join(req.resolve("katex/package.json"), "..", "dist");
  let css = readFileSync(join(dir, "katex.min.css"), "utf8");
  for (const font of INLINED_FONTS) {
    const file = join(dir, "fonts", `KaTeX_${font}.woff2`);
    if (!existsSync(file)) continue;
    const uri = `data:font/woff2;base64,${readFileSync(file).toString("base64")}`;
    css = css.split(`fonts/KaTeX_${font}.woff2`).join(uri);
  }
  return css;
}

/**
 * Typesets `tex` with KaTeX. Throws a clear error on bad TeX (a lesson bug, not a learner's).
 *
 * @example
 * renderMath("\\mathrm{KL} = 0.73"); //=> '<span class="katex">…</span>'
 */
export function renderMath(tex: string, displayMode = true): string {
  return katex.renderToString(tex, { displayMode, output: "htmlAndMathml", throwOnError: true });
}

export function showMath(tex: string, options: { displayMode?: boolean } = {}): void {
  const html = renderMath(tex, options.displayMode ?? true);
  const live = inNotebook();
  const css = katexCssSent || !live ? "" : `<style>${katexCss()}</style>`;
  if (live) katexCssSent = true; // only once it has really reached a page
  displayBundle({ "text/html": `${css}${html}`, "text/plain": tex });
}

// ---- plots ----------------------------------------------------------------------------------------

let plotlySent = false;
let plotCounter = 0;

/** plotly.js minified once with esbuild and cached (the npm package ships it unminified, 10.8 MB). */
export function plotlyBundle(): string {
  const cached = join(cacheDir(), "plotly.min.js");
  const source = req.resolve("plotly.js-dist/plotly.js");
  if (existsSync(cached)) return readFileSync(cached, "utf8");
  let js: string;
  try {
    const esbuild = req("esbuild") as { transformSync(code: string, o: object): { code: string } };
    js = esbuild.transformSync(readFileSync(source, "utf8"), { minify: true, loader: "js", legalComments: "none" }).code;
  } catch {
    js = readFileSync(source, "utf8");
  }
  mkdirSync(cacheDir(), { recursive: true });
  writeFileSync(cached, js);
  return js;
}

const escapeScript = (s: string) => s.replace(/<\/script/gi, "<\\/script");

/** The HTML of one live figure with its static SVG inside (shown until, or unless, Plotly draws). */
export function plotHtml(fig: Figure, divId: string, svg: string, includePlotly: boolean): string {
  const spec = escapeScript(JSON.stringify({ data: fig.data, layout: fig.layout ?? {}, frames: fig.frames ?? [], config: { responsive: true, displaylogo: false, ...(fig.config ?? {}) } }));
  // The classic notebook page has RequireJS: with `define` visible, plotly.js registers as an AMD
  // module instead of setting window.Plotly ("Mismatched anonymous define() module"). Hide it.
  const loader = includePlotly
    ? `<script type="text/javascript">window.__vaeLabDefine = window.define; window.define = undefined;</script>` +
      `<script type="text/javascript">${escapeScript(plotlyBundle())}</script>` +
      `<script type="text/javascript">window.define = window.__vaeLabDefine;</script>`
    : "";
  // Later figures may render before the cell that loaded plotly.js: wait for it (up to 10 s).
  return `${loader}<div id="${divId}" class="vae-lab-plot">${svg}</div>
<script type="text/javascript">(function () {
  var spec = ${spec}, tries = 0;
  function draw() {
    var el = document.getElementById(${JSON.stringify(divId)});
    if (window.Plotly && el) { el.innerHTML = ""; window.Plotly.newPlot(el, spec); }
    else if (tries++ < 100) setTimeout(draw, 100);
  }
  draw();
})();</script>`;
}

/**
 * Shows a Plotly figure (with a static SVG fallback in the same bundle). With `id` and update=true it
 * replaces an earlier output of that id (livePlot's final figure).
 */
export function showPlot(fig: Figure, options: { id?: string; update?: boolean } = {}): void {
  const svg = figureToSvg(fig);
  const divId = `vae-lab-plot-${Date.now().toString(36)}-${plotCounter++}`;
  const html = plotHtml(fig, divId, svg, !plotlySent && inNotebook());
  if (inNotebook()) plotlySent = true;
  displayBundle({ "text/html": html, "image/svg+xml": svg, "text/plain": `[figure: ${fig.layout?.title ? titleText(fig.layout.title) : "plot"}]` }, options);
}

function titleText(t: unknown): string {
  return typeof t === "string" ? t : typeof t === "object" && t && "text" in t ? String((t as { text: unknown }).text) : "plot";
}

// ---- progress -------------------------------------------------------------------------------------

export interface ProgressDisplay {
  update(done: number, info?: string): void;
  finish(info?: string): void;
}

/**
 * A progress bar updated in place in the notebook: percentage, count, rate and ETA.
 * Updates are throttled to ~10 per second; the final state is always shown.
 */
export function progressDisplay(total: number, label: string, unit = "step"): ProgressDisplay {
  const id = `vae-lab-progress-${Date.now().toString(36)}-${plotCounter++}`;
  const started = performance.now();
  let last = -Infinity;
  let first = true;
  let lastDone = 0;
  const render = (done: number, info: string, final: boolean) => {
    const seconds = (performance.now() - started) / 1000;
    const frac = total > 0 ? Math.min(1, done / total) : 1;
    const rate = seconds > 0 ? done / seconds : 0;
    const eta = rate > 0 ? (total - done) / rate : NaN;
    const timing = final || done >= total ? `${seconds.toFixed(1)} s` : Number.isFinite(eta) ? `ETA ${eta.toFixed(1)} s` : "";
    const text = `${label}: ${done}/${total} ${unit}s (${Math.floor(frac * 100)}%)${rate > 0 ? `, ${rate.toFixed(1)} ${unit}/s` : ""}${timing ? `, ${timing}` : ""}${info ? ` — ${info}` : ""}`;
    const html = `<div style="font-family:monospace;font-size:13px"><div style="display:flex;align-items:center;gap:8px"><span>${label}</span>
<div style="flex:0 0 240px;height:10px;background:#e5e7eb;border-radius:5px;overflow:hidden"><div style="width:${(frac * 100).toFixed(1)}%;height:100%;background:#2563eb"></div></div>
<span>${Math.floor(frac * 100)}% · ${done}/${total} ${unit}s${rate > 0 ? ` · ${rate.toFixed(1)} ${unit}/s` : ""}${timing ? ` · ${timing}` : ""}</span></div>${info ? `<div>${escapeHtml(info)}</div>` : ""}</div>`;
    displayBundle({ "text/html": html, "text/plain": text }, { id, update: !first });
    first = false;
  };
  return {
    update(done, info = "") {
      lastDone = done;
      const now = performance.now();
      if (now - last < 100 && done < total) return;
      last = now;
      render(done, info, false);
    },
    finish(info = "") {
      render(lastDone, info, true); // not total: a stopped run must not claim 100%
    },
  };
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** Several figures side by side in one output (e.g. one per experiment). */
export function showPlots(figs: Figure[]): void {
  const live = inNotebook();
  const items = figs.map((fig) => {
    const svg = figureToSvg(fig);
    const html = plotHtml(fig, `vae-lab-plot-${Date.now().toString(36)}-${plotCounter++}`, svg, !plotlySent && live);
    if (live) plotlySent = true;
    return { svg, html };
  });
  const html = `<div style="display:flex;flex-wrap:wrap;gap:8px">${items.map((i) => `<div>${i.html}</div>`).join("")}</div>`;
  const svgRow = combineSvgs(items.map((i) => i.svg));
  displayBundle({ "text/html": html, "image/svg+xml": svgRow, "text/plain": `[${figs.length} figures]` });
}

/** Static figures next to each other in one SVG. */
function combineSvgs(svgs: string[]): string {
  let x = 0;
  let height = 0;
  const parts = svgs.map((s) => {
    const w = Number(/width="(\d+(?:\.\d+)?)"/.exec(s)?.[1] ?? 400), h = Number(/height="(\d+(?:\.\d+)?)"/.exec(s)?.[1] ?? 300);
    const part = `<g transform="translate(${x},0)">${s}</g>`;
    x += w + 8;
    height = Math.max(height, h);
    return part;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${x}" height="${height}">${parts.join("")}</svg>`;
}
