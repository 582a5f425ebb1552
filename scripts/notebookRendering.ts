/**
 * Checks, in a real browser, that an executed notebook shows every figure and formula it holds —
 * in the classic notebook (trusted, as saved by `npm run notebooks:execute`), in the same notebook
 * opened UNTRUSTED (what a TA sees: HTML sanitized, no scripts), and in its nbconvert HTML export.
 * The expected counts come from the notebook's own outputs, so a figure that is not drawn, or a
 * formula left as raw TeX, fails the check.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import type { Page } from "playwright-core";
import { launchChromium, startNotebookServer } from "./browser";
import { findPython } from "./jupyter";
import { joined, type Output } from "./notebookTesting";

export type View = "trusted" | "untrusted" | "export";

export interface ViewReport {
  view: View;
  /** Live: drawn by plotly.js; static: the SVG picture shown; sliders: live figures with a slider. */
  figures: { expected: number; live: number; static: number; sliders: number };
  /** Output formulas (showMath) and markdown formulas; `raw` lists visible text that is still TeX or MathML. */
  math: { expected: number; typeset: number; raw: string[] };
  markdownMath: { expected: number; typeset: number };
  pageErrors: string[];
  /** The whole page, then the first figure and the last formula output up close. */
  screenshots: string[];
}

interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: Output[];
}

/** What the notebook's outputs hold: figures (one per `vae-lab-plot` div) and formulas (`vae-lab-math`). */
export function expectedRichOutputs(nbPath: string): { figures: number; math: number; markdownMath: number } {
  const nb = JSON.parse(readFileSync(nbPath, "utf8")) as { cells: Cell[] };
  const html = nb.cells
    .flatMap((c) => c.outputs ?? [])
    .map((o) => joined(o.data?.["text/html"]))
    .join("\n");
  const markdown = nb.cells
    .filter((c) => c.cell_type === "markdown")
    .map((c) => joined(c.source).replace(/`[^`]*`/g, ""))
    .join("\n");
  const display = markdown.match(/\$\$[\s\S]+?\$\$/g)?.length ?? 0;
  const inline = markdown.replace(/\$\$[\s\S]+?\$\$/g, " ").match(/\$[^$\n]+?\$/g)?.length ?? 0;
  return {
    figures: html.match(/class="vae-lab-plot"/g)?.length ?? 0,
    math: html.match(/class="vae-lab-math"/g)?.length ?? 0,
    markdownMath: display + inline,
  };
}

/**
 * In the page: how many figures are live (Plotly drew them) or static (their picture loaded), and how
 * the formulas look. A string, not a function: tsx/esbuild would wrap named inner functions in a
 * helper that does not exist in the page.
 */
const INSPECT = String.raw`(() => {
  const plots = Array.from(document.querySelectorAll(".vae-lab-plot"));
  const live = plots.filter((p) => p.querySelector(".main-svg")).length;
  const stat = plots.filter((p) => {
    const img = p.querySelector("img.vae-lab-static");
    return !p.querySelector(".main-svg") && img !== null && img.complete && img.naturalWidth > 0;
  }).length;
  const shown = (el) => el.getBoundingClientRect().height > 0 && getComputedStyle(el).visibility !== "hidden";
  const raw = [];
  let typeset = 0;
  for (const m of Array.from(document.querySelectorAll(".vae-lab-math"))) {
    const text = m.innerText;
    // TeX left as text, or MathML whose tags were stripped (then its letters show up as text).
    if (/\\[a-zA-Z]+|\$/.test(text)) raw.push(text.slice(0, 120));
    if (Array.from(m.querySelectorAll("math, .MathJax, .MathJax_Display, .MathJax_SVG, mjx-container")).some(shown)) typeset++;
  }
  // One .MathJax span per typeset formula (display formulas are also wrapped in .MathJax_Display).
  const markdownTypeset = document.querySelectorAll(".text_cell_render .MathJax, .jp-RenderedMarkdown .MathJax").length;
  const sliders = document.querySelectorAll(".vae-lab-plot .slider-container").length;
  for (const md of Array.from(document.querySelectorAll(".text_cell_render, .jp-RenderedMarkdown"))) {
    const m = /\$[^$\n]{1,60}\$|\\(frac|mathcal|mathrm|sum)\b/.exec(md.innerText);
    if (m) raw.push("markdown: " + m[0]);
  }
  return { live, static: stat, mathTypeset: typeset, raw, markdownTypeset, sliders };
})()`;

async function inspect(page: Page): Promise<{
  live: number;
  static: number;
  mathTypeset: number;
  raw: string[];
  markdownTypeset: number;
  sliders: number;
}> {
  return page.evaluate(INSPECT);
}

async function settle(page: Page, expectLive: number): Promise<void> {
  // Live figures load plotly.js (4.6 MB) first; MathJax typesets asynchronously.
  await page
    .waitForFunction((n) => document.querySelectorAll(".vae-lab-plot .main-svg").length >= n || n === 0, expectLive, {
      timeout: 90_000,
    })
    .catch(() => undefined);
  await page
    .waitForFunction(
      () => {
        const mj = (window as unknown as { MathJax?: { Hub?: { queue?: { running: number; pending: number } } } })
          .MathJax;
        return !mj?.Hub?.queue || (mj.Hub.queue.running === 0 && mj.Hub.queue.pending === 0);
      },
      undefined,
      { timeout: 60_000 },
    )
    .catch(() => undefined);
  await page.waitForTimeout(1500);
}

/**
 * Opens `executedNb` (a notebook saved by notebooks:execute, signed as trusted) in the three views
 * and reports what each shows. Screenshots go to `shots` (e.g. out/screenshots/lesson1).
 */
export async function checkRendering(executedNb: string, shots: string): Promise<ViewReport[]> {
  const python = findPython(["notebook", "nbconvert"]);
  if (!python) throw new Error("Jupyter is missing: apt-get install jupyter-notebook jupyter-nbconvert");
  mkdirSync(shots, { recursive: true });
  const dir = resolve(executedNb, "..");
  const name = basename(executedNb);
  // Untrusted: the same notebook, changed by one metadata field, so its signature no longer matches.
  mkdirSync(join(dir, "untrusted"), { recursive: true });
  const nb = JSON.parse(readFileSync(executedNb, "utf8"));
  nb.metadata.vae_lab_untrusted_copy = true;
  writeFileSync(join(dir, "untrusted", name), JSON.stringify(nb, null, 1));
  // The HTML export; MathJax for its markdown cells from Debian's libjs-mathjax (the default is a CDN: no network here).
  copyFileSync(executedNb, join(dir, `export-${name}`));
  const mathjax = "/usr/share/javascript/mathjax/MathJax.js";
  const html = spawnSync(
    python,
    [
      "-m",
      "nbconvert",
      "--to",
      "html",
      `--HTMLExporter.mathjax_url=file://${mathjax}?config=TeX-AMS_HTML`,
      join(dir, `export-${name}`),
      "--output-dir",
      dir,
    ],
    { encoding: "utf8" },
  );
  if (html.status !== 0) throw new Error(`nbconvert --to html failed: ${html.stderr}`);
  const expected = expectedRichOutputs(executedNb);

  const server = await startNotebookServer(python, dir, {
    ...process.env,
    JUPYTER_PATH: join(process.cwd(), ".cache", "jupyter", "share", "jupyter"),
  });
  const browser = await launchChromium();
  const reports: ViewReport[] = [];
  try {
    const views: [View, string][] = [
      ["trusted", server.url(`notebooks/${name}`)],
      ["untrusted", server.url(`notebooks/untrusted/${name}`)],
      ["export", `file://${join(dir, `export-${name.replace(/\.ipynb$/, ".html")}`)}`],
    ];
    for (const [view, url] of views) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      const pageErrors: string[] = [];
      page.on("pageerror", (e) => pageErrors.push(e.message));
      await page.goto(url, { waitUntil: "load" });
      await page
        .waitForSelector(".vae-lab-plot, .vae-lab-math", { state: "attached", timeout: 60_000 })
        .catch(() => undefined);
      await settle(page, view === "trusted" ? expected.figures : 0);
      const seen = await inspect(page);
      const screenshots = [join(shots, `${view}.png`)];
      await page.screenshot({ path: screenshots[0], fullPage: true });
      for (const [what, selector, nth] of [
        ["figure", ".vae-lab-plot", 0],
        ["math", ".vae-lab-math", -1],
      ] as const) {
        const all = page.locator(selector);
        if ((await all.count()) === 0) continue;
        const el = nth === 0 ? all.first() : all.last();
        await el.scrollIntoViewIfNeeded();
        const path = join(shots, `${view}-${what}.png`);
        await el.screenshot({ path });
        screenshots.push(path);
      }
      reports.push({
        view,
        figures: { expected: expected.figures, live: seen.live, static: seen.static, sliders: seen.sliders },
        math: { expected: expected.math, typeset: seen.mathTypeset, raw: seen.raw },
        markdownMath: { expected: expected.markdownMath, typeset: seen.markdownTypeset },
        pageErrors,
        screenshots,
      });
      await page.close();
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  writeFileSync(join(shots, "rendering.json"), JSON.stringify(reports, null, 1) + "\n");
  return reports;
}
