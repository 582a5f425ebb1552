/**
 * Plotly figures in notebook outputs that survive saving, re-running, an untrusted view and
 * nbconvert's HTML export, without embedding plotly.js (4.6 MB) in the notebook (docs/notebooks.md).
 *
 * Each figure is ONE output holding the figure once as a static SVG picture (an `<img>` with a data
 * URI: sanitizers keep it, so it shows untrusted and offline) and the figure's spec with a small
 * loader script. Where scripts run (trusted notebooks, the HTML export), the loader takes plotly.js
 * from the page if it is there, else from the Jupyter server — the file `installPlotlyAsset` puts
 * among the server's nbextensions when the kernel is registered — and replaces the picture by the
 * interactive figure. If plotly.js cannot be loaded, the picture stays.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { cacheDir, projectRoot } from "../paths";
import { figureToSvg, type Figure } from "../plots/svg";

const req = createRequire(join(projectRoot() ?? process.cwd(), "package.json"));

/** Where the Jupyter server serves plotly.js from: `<base url>nbextensions/<this>.js`. */
export const PLOTLY_NBEXTENSION = "vae-lab/plotly.min";

/** plotly.js minified once with esbuild and cached (the npm package ships it unminified, 10.8 MB). */
export function plotlyBundle(): string {
  const cached = join(cacheDir(), "plotly.min.js");
  const source = req.resolve("plotly.js-dist/plotly.js");
  if (existsSync(cached)) return readFileSync(cached, "utf8");
  let js: string;
  try {
    const esbuild = req("esbuild") as { transformSync(code: string, o: object): { code: string } };
    js = esbuild.transformSync(readFileSync(source, "utf8"), {
      minify: true,
      loader: "js",
      legalComments: "none",
    }).code;
  } catch {
    js = readFileSync(source, "utf8");
  }
  mkdirSync(cacheDir(), { recursive: true });
  writeFileSync(cached, js);
  return js;
}

/**
 * Puts plotly.js where a Jupyter server whose data path includes `jupyterDataDir` serves it
 * (`<jupyterDataDir>/nbextensions/vae-lab/plotly.min.js`). Returns the file written.
 */
export function installPlotlyAsset(jupyterDataDir: string): string {
  const file = join(jupyterDataDir, "nbextensions", `${PLOTLY_NBEXTENSION}.js`);
  const js = plotlyBundle();
  if (!existsSync(file) || readFileSync(file, "utf8") !== js) {
    mkdirSync(join(file, ".."), { recursive: true });
    writeFileSync(file, js);
  }
  return file;
}

/** Numbers in a figure spec to 4 significant digits: a screen cannot show more, and it halves the JSON. */
function compactJson(value: unknown): string {
  return JSON.stringify(value, (_, v) => {
    if (typeof v === "number") return Number.isInteger(v) || !Number.isFinite(v) ? v : Number(v.toPrecision(4));
    if (ArrayBuffer.isView(v) && !(v instanceof DataView))
      return Array.from(v as unknown as ArrayLike<number>, (x) =>
        Number.isInteger(x) || !Number.isFinite(x) ? x : Number(x.toPrecision(4)),
      );
    return v;
  });
}

const escapeScript = (s: string) => s.replace(/<\/script/gi, "<\\/script").replace(/<!--/g, "<\\!--");
const escapeAttr = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

/**
 * An SVG as a data URI, percent-encoding only what a URI or an HTML attribute cannot hold
 * (5 % larger than the SVG, where base64 is 33 %).
 */
export function svgDataUri(svg: string): string {
  return `data:image/svg+xml,${svg.replace(/[%#"<>&\s]/g, (c) => (c === " " ? " " : encodeURIComponent(c)))}`;
}

/** The static picture of a figure, as an `<img>` (kept by HTML sanitizers, unlike inline SVG). */
export function svgImage(svg: string, alt: string): string {
  const w = /width="([\d.]+)"/.exec(svg)?.[1],
    h = /height="([\d.]+)"/.exec(svg)?.[1];
  return `<img class="vae-lab-static" src="${svgDataUri(svg)}"${w ? ` width="${w}"` : ""}${h ? ` height="${h}"` : ""} alt="${escapeAttr(alt)}" style="max-width:none">`;
}

/**
 * The loader each figure carries (about 1 KB): plotly.js from the page, from RequireJS's
 * `nbextensions/` path (classic notebook), or from `<base url>nbextensions/` by a script tag; the
 * static picture stays when none of them works.
 */
const LOADER = `function(id, spec) {
  var el = document.getElementById(id);
  if (!el) return;
  function draw(P) { if (!P || !P.newPlot) return; el.innerHTML = ""; P.newPlot(el, spec); }
  if (window.Plotly) return draw(window.Plotly);
  if (typeof window.require === "function" && window.require.specified) {
    // plotly.js 3+ is not an AMD module: RequireJS runs it (it sets window.Plotly) and passes undefined.
    window.require(["nbextensions/${PLOTLY_NBEXTENSION}"], function (P) { draw(P || window.Plotly); }, function () {});
    return;
  }
  if (location.protocol === "file:") return;
  var base = (document.body && document.body.getAttribute("data-base-url")) || "/";
  var waiting = window.__vaeLabPlotly;
  if (!waiting) {
    waiting = window.__vaeLabPlotly = [];
    var s = document.createElement("script");
    s.src = base + "nbextensions/${PLOTLY_NBEXTENSION}.js";
    s.onload = function () { waiting.splice(0).forEach(function (f) { f(); }); };
    document.head.appendChild(s);
  }
  waiting.push(function () { draw(window.Plotly); });
}`;

let counter = 0;

/** The HTML of one figure output: the static picture, replaced by the live plot where plotly.js loads. */
export function plotHtml(fig: Figure, svg: string = figureToSvg(fig, { compactMarkers: true })): string {
  const id = `vae-lab-plot-${Date.now().toString(36)}-${(counter++).toString(36)}`;
  const spec = {
    data: fig.data,
    layout: fig.layout ?? {},
    config: { responsive: true, displaylogo: false, ...(fig.config ?? {}) },
  };
  const withFrames = fig.frames?.length ? { ...spec, frames: fig.frames } : spec; // the slider's snapshots
  const alt = `figure: ${figureTitle(fig)}`;
  return `<div id="${id}" class="vae-lab-plot">${svgImage(svg, alt)}</div><script type="text/javascript">(${LOADER})(${JSON.stringify(id)}, ${escapeScript(compactJson(withFrames))});</script>`;
}

export function figureTitle(fig: Figure): string {
  const t: unknown = fig.layout?.title;
  return typeof t === "string"
    ? t
    : typeof t === "object" && t && "text" in t
      ? String((t as { text: unknown }).text)
      : "plot";
}
