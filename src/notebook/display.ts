/**
 * The notebook display adapter (docs/design.md §3): the one place that talks to tslab's display channel.
 *
 * Every output stands on its own (docs/notebooks.md): nothing is sent "once per session", so a
 * re-run cell, a reloaded page, a saved or exported notebook shows what the kernel showed.
 * - `showPlot(fig)`: a Plotly figure, stored once as a static SVG picture that plotly.js replaces
 *   where it can load (src/notebook/plotOutput.ts).
 * - `showMath(tex)`: MathML plus the TeX for MathJax, one of them shown (src/notebook/math.ts).
 * - `showHtml`, `showMarkdown`, `showText`, and `progressDisplay()`: one output updated in place.
 *
 * Outside a tslab kernel (plain Node, vitest) there is no display channel: output goes to the sink
 * set with `setDisplaySink` (tests), or nowhere.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import katex from "katex";
import { escapeHtml } from "../html";
import { projectRoot } from "../paths";
import type { Figure } from "../plots/svg";
import { mathHtml } from "./math";
import { figureTitle, plotHtml } from "./plotOutput";

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

/**
 * Typesets `tex` with KaTeX as HTML and MathML (the playground, which ships KaTeX's CSS). Throws a
 * clear error on bad TeX (a lesson bug, not a learner's). Notebook outputs use `showMath`.
 *
 * @example
 * renderMath("\\mathrm{KL} = 0.73"); //=> '<span class="katex">…</span>'
 */
export function renderMath(tex: string, displayMode = true): string {
  return katex.renderToString(tex, { displayMode, output: "htmlAndMathml", throwOnError: true });
}

/** Shows a formula: self-contained in its output (src/notebook/math.ts), with the TeX as text/latex. */
export function showMath(tex: string, options: { displayMode?: boolean } = {}): void {
  const displayMode = options.displayMode ?? true;
  const delim = displayMode ? "$$" : "$";
  displayBundle({ "text/html": mathHtml(tex, displayMode), "text/latex": `${delim}${tex}${delim}`, "text/plain": tex });
}

// ---- plots ----------------------------------------------------------------------------------------

let plotCounter = 0;

/**
 * Shows a Plotly figure: one output, the figure stored once as a static SVG picture plus its spec
 * (src/notebook/plotOutput.ts). With `id` and update=true it replaces an earlier output of that id
 * (livePlot's final figure).
 */
export function showPlot(fig: Figure, options: { id?: string; update?: boolean } = {}): void {
  displayBundle({ "text/html": plotHtml(fig), "text/plain": `[figure: ${figureTitle(fig)}]` }, options);
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
    const timing =
      final || done >= total ? `${seconds.toFixed(1)} s` : Number.isFinite(eta) ? `ETA ${eta.toFixed(1)} s` : "";
    // Slow loops (a conv VAE's epochs) read better as seconds per unit than as "0.0 epoch/s".
    const speed = rate >= 1 ? `${rate.toFixed(1)} ${unit}/s` : rate > 0 ? `${(1 / rate).toFixed(1)} s/${unit}` : "";
    const text = `${label}: ${done}/${total} ${unit}s (${Math.floor(frac * 100)}%)${speed ? `, ${speed}` : ""}${timing ? `, ${timing}` : ""}${info ? ` — ${info}` : ""}`;
    const html = `<div style="font-family:monospace;font-size:13px"><div style="display:flex;align-items:center;gap:8px"><span>${label}</span>
<div style="flex:0 0 240px;height:10px;background:#e5e7eb;border-radius:5px;overflow:hidden"><div style="width:${(frac * 100).toFixed(1)}%;height:100%;background:#2563eb"></div></div>
<span>${Math.floor(frac * 100)}% · ${done}/${total} ${unit}s${speed ? ` · ${speed}` : ""}${timing ? ` · ${timing}` : ""}</span></div>${info ? `<div>${escapeHtml(info)}</div>` : ""}</div>`;
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

export { escapeHtml } from "../html";

/** Several figures side by side in one output (e.g. one per experiment). */
export function showPlots(figs: Figure[]): void {
  const html = `<div style="display:flex;flex-wrap:wrap;gap:8px">${figs.map((fig) => `<div>${plotHtml(fig)}</div>`).join("")}</div>`;
  displayBundle({ "text/html": html, "text/plain": `[${figs.length} figures: ${figs.map(figureTitle).join("; ")}]` });
}
