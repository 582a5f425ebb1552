/**
 * The playground in real Chromium (playwright-core, 127.0.0.1 only), twice: served by the playground
 * server, and as the `--export` file opened from disk. A tiny model (2 epochs) is trained once; the
 * page is the one `npm start` builds. Screenshots go to out/screenshots/playground/ (CI artifacts).
 */
import type { Server } from "node:http";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../scripts/browser";
import { controlsOffKeyboard, figuresWithoutText, seriousAxeViolations } from "../testing/axe";
import { MNIST_JOB_DEFAULTS, trainOrLoadMnist } from "../mnistJob";
import {
  closeServer,
  createPlaygroundServer,
  listen,
  loopbackHostNames,
  NAVIGATOR_ID,
  playgroundHtml,
  VIEWS,
  writeExport,
  type PlaygroundData,
} from "./index";
import { skipWithout } from "../testing/guard";
skipWithout(import.meta.url, "chromium");

const SHOTS = join("out", "screenshots", "playground");
const work = mkdtempSync(join(tmpdir(), "vae-lab-playground-"));
let data: PlaygroundData;
let server: Server;
let serverUrl: string;
let exportUrl: string;
let browser: Browser;

beforeAll(async () => {
  // The default architecture (784 → 400 → 2) so decode timings are the real decoder's; 2 epochs only.
  const job = await trainOrLoadMnist({ ...MNIST_JOB_DEFAULTS, epochs: 2 }, { checkpointDir: join(work, "checkpoint") });
  const experimentsFile = join(work, "results.json");
  const run = (latentDim: number, seed: number, recon: number, kl: number) => ({
    config: { dataset: "mnist-embedded", model: "mlp", latentDim, beta: 1, hidden: 400, epochs: 10, seed },
    metrics: {
      trainRecon: recon,
      trainKl: kl,
      trainNegElbo: recon + kl,
      testRecon: recon,
      testKl: kl,
      testNegElbo: recon + kl,
    },
    seconds: 12,
    backend: "wasm",
  });
  writeFileSync(
    experimentsFile,
    JSON.stringify({ runs: [run(2, 1, 140, 6), run(2, 2, 142, 6.2), run(8, 1, 95, 18), run(16, 1, 80, 26)] }),
  );
  const built = playgroundHtml(job, "wasm", { experimentsFile });
  job.model.dispose();
  data = built.data;
  server = createPlaygroundServer(
    { "/": built.html, "/index.html": built.html },
    { allowedHosts: loopbackHostNames("127.0.0.1") },
  );
  serverUrl = `http://127.0.0.1:${await listen(server, 0, "127.0.0.1")}/`;
  exportUrl = `file://${writeExport(join(work, "export", "playground.html"), built.html).path}`;
  browser = await launchChromium();
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  if (server) await closeServer(server);
  rmSync(work, { recursive: true, force: true });
});

type Nav = {
  getZ(): number[];
  setZ(z: number[]): void;
  decodeTimes: number[];
  interpolate(a: number, b: number): { linear: number[][]; spherical: number[][] };
};

describe.each([
  ["served", () => serverUrl],
  ["export", () => exportUrl],
])("the playground (%s) in Chromium", (target, url) => {
  let page: Page;
  const problems: string[] = [];
  const requests: string[] = [];
  const root = `[data-vae-navigator="${NAVIGATOR_ID}"]`;

  beforeAll(async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("request", (r) => requests.push(r.url()));
    await page.goto(url());
    await page.waitForFunction(
      (id) =>
        (window as unknown as { vaeLabNavigators?: Record<string, unknown> }).vaeLabNavigators?.[id] !== undefined,
      NAVIGATOR_ID,
    );
    await page.evaluate(() => document.fonts.ready);
  });
  afterAll(() => page?.close());

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${target}-${name}.png`), fullPage: true });
  const zNow = async () => JSON.parse((await page.getAttribute(root, "data-z"))!) as number[];
  const digit = () =>
    page.evaluate(
      (sel) => (document.querySelector(`${sel} canvas[data-role="digit"]`) as HTMLCanvasElement).toDataURL(),
      root,
    );

  it("opens every view by its tab, one at a time", async () => {
    for (const [name] of VIEWS) {
      await page.click(`[data-view-tab="${name}"]`);
      for (const [other] of VIEWS)
        expect(await page.isVisible(`[data-view-panel="${other}"]`), `${other} while on ${name}`).toBe(other === name);
      expect(await page.getAttribute(`[data-view-tab="${name}"]`, "aria-selected")).toBe("true");
      expect(new URL(page.url()).hash).toBe(`#${name}`);
      await shot(name);
    }
  });

  it("Model & loss: layer diagram with parameter counts, and the loss typeset by KaTeX with its values", async () => {
    await page.click('[data-view-tab="model"]');
    expect(await page.textContent('[data-role="param-count"]')).toBe(data.paramCount.toLocaleString("en-US"));
    expect(await page.locator('[data-role="layer-diagram"] .layer').count()).toBe(6); // x, encoder, (mu, logVar), z, 2 decoder layers
    for (const role of ["formula-loss", "formula-recon", "formula-kl", "formula-values"])
      expect(await page.locator(`[data-role="${role}"] .katex`).count(), role).toBe(1);
    expect(await page.textContent('[data-role="formula-values"] annotation')).toContain(data.heldOut.recon.toFixed(2));
    // KaTeX's own fonts (inlined) are in use, not a fallback.
    expect(
      await page.evaluate(
        () => document.fonts.check('16px "KaTeX_Main"') && document.fonts.check('16px "KaTeX_Caligraphic"'),
      ),
    ).toBe(true);
    expect(
      await page.evaluate(() => {
        let loaded = 0;
        document.fonts.forEach(
          (f) => void (loaded += f.family.replace(/"/g, "").startsWith("KaTeX") && f.status === "loaded" ? 1 : 0),
        );
        return loaded;
      }),
    ).toBeGreaterThan(2);
    expect(await page.textContent('[data-role="hyperparameters"]')).toContain("0.001");
  });

  it("Latent space: every held-out point drawn in its class colour, with centroids", async () => {
    await page.click('[data-view-tab="latent"]');
    const circles = await page.locator('[data-role="latent-scatter"] svg circle').count();
    expect(circles).toBe(data.latent.labels.length + 2 * data.classNames.length);
    expect(await page.textContent('[data-role="separation"]')).toMatch(/\d+ of 10 classes form distinct clusters/);
  });

  it("Reconstructions: draws originals over reconstructions, and new ones on request", async () => {
    await page.click('[data-view-tab="reconstructions"]');
    const pixels = () =>
      page.evaluate(() =>
        Array.from(document.querySelectorAll("canvas[data-role=original], canvas[data-role=reconstruction]")).map((c) =>
          (c as HTMLCanvasElement).toDataURL(),
        ),
      );
    const blank = await page.evaluate(() => {
      const c = document.createElement("canvas");
      c.width = c.height = 28;
      return c.toDataURL();
    });
    const first = await pixels();
    expect(first).toHaveLength(20);
    expect(first.filter((p) => p === blank)).toEqual([]);
    const shown = await page.getAttribute('[data-role="recon-labels"]', "data-pool-indices");
    await page.click('[data-action="new-reconstructions"]');
    expect(await page.getAttribute('[data-role="recon-labels"]', "data-pool-indices")).not.toBe(shown);
    expect(await pixels()).not.toEqual(first);
  });

  it("Navigator: the z₁/z₂ sliders decode new images, with a median decode under 5 ms", async () => {
    await page.click('[data-view-tab="navigator"]');
    const before = await digit();
    await page.locator(`${root} input[data-dim="0"]`).fill("-2.2");
    await page.locator(`${root} input[data-dim="1"]`).fill("1.7");
    expect(await zNow()).toEqual([-2.2, 1.7]);
    const after = await digit();
    expect(after).not.toBe(before);
    await page.locator(`${root} input[data-dim="0"]`).fill("2.4");
    expect(await digit()).not.toBe(after);
    const median = await page.evaluate((id) => {
      const nav = (window as unknown as { vaeLabNavigators: Record<string, Nav> }).vaeLabNavigators[id];
      for (let i = 0; i < 300; i++) nav.setZ([3 * Math.sin(i / 7), 3 * Math.cos(i / 11)]);
      const t = nav.decodeTimes.slice(-300).sort((a, b) => a - b);
      return t[150];
    }, NAVIGATOR_ID);
    expect(median).toBeLessThan(5);
    await shot("navigator-sliders");
  });

  it('Navigator: "jump to 7" lands in the 7 cluster, and the map marker is drawn there', async () => {
    await page.click('[data-view-tab="navigator"]');
    await page.click(`${root} button[data-action="jump"][data-class="7"]`);
    const z = await zNow();
    const dist = data.latent.centroids.map((c) => Math.hypot(...c.map((v, j) => v - z[j])));
    expect(dist.indexOf(Math.min(...dist))).toBe(7);
    expect(dist[7]).toBeLessThan(1e-3);
    const map = page.locator(`${root} canvas[data-role="map"]`);
    const width = Number(await map.getAttribute("width")),
      height = Number(await map.getAttribute("height"));
    expect(Number(await map.getAttribute("data-marker-x"))).toBeCloseTo(((z[0] + 3) / 6) * width, 0);
    expect(Number(await map.getAttribute("data-marker-y"))).toBeCloseTo(height - ((z[1] + 3) / 6) * height, 0);
    await shot("navigator-jump-7");
  });

  it("Navigator: interpolation draws linear and spherical strips, from the navigator and from “experiments to try”", async () => {
    await page.click('[data-view-tab="navigator"]');
    await page.selectOption(`${root} select[data-role="from"]`, "2");
    await page.selectOption(`${root} select[data-role="to"]`, "6");
    const strips = () =>
      page.evaluate(
        (sel) =>
          ["strip-linear", "strip-slerp"].map((s) =>
            Array.from(document.querySelectorAll(`${sel} [data-role="${s}"] canvas`)).map((c) =>
              (c as HTMLCanvasElement).toDataURL(),
            ),
          ),
        root,
      );
    const before = await strips();
    await page.click(`${root} button[data-action="interpolate"]`);
    const after = await strips();
    expect(after[0]).toHaveLength(8);
    expect(after[1]).toHaveLength(8);
    expect(after).not.toEqual(before);

    await page.click('[data-experiment="interpolate"]');
    expect(await page.inputValue(`${root} select[data-role="from"]`)).toBe("1");
    expect(await page.inputValue(`${root} select[data-role="to"]`)).toBe("7");
    expect(await strips()).not.toEqual(after);
    await shot("navigator-interpolation");
  });

  it('"Experiments to try": morph 3 → 8 walks to the 8 centroid; the boundary button sits between the closest pair', async () => {
    await page.click('[data-experiment="morph"]');
    await page.waitForFunction(
      ([sel, target]) => {
        const z = JSON.parse(document.querySelector(sel as string)!.getAttribute("data-z")!) as number[];
        return (target as number[]).every((v, j) => Math.abs(z[j] - v) < 1e-3);
      },
      [root, data.latent.centroids[8]] as const,
      { timeout: 5000 },
    );
    expect(await page.locator(`${root} [data-role="strip-morph"] canvas`).count()).toBe(16);
    await page.click('[data-experiment="boundary"]');
    const [a, b] = data.latent.mostConfused;
    const z = await zNow();
    z.forEach((v, j) => expect(v).toBeCloseTo((data.latent.centroids[a][j] + data.latent.centroids[b][j]) / 2, 3));
  });

  it("Training behaviour: per-epoch curves, cluster separation, and the latent-dimension trade-off", async () => {
    await page.click('[data-view-tab="training"]');
    for (const role of ["elbo-curve", "recon-curve", "kl-curve", "cluster-curve", "tradeoff-curve"])
      expect(await page.locator(`[data-role="${role}"] svg polyline`).count(), role).toBeGreaterThan(0);
    const rows = await page.locator('[data-role="tradeoff-table"] tr').count();
    expect(rows).toBe(1 + 3); // header + latentDim 2 (two seeds averaged), 8, 16
    expect(await page.textContent('[data-role="tradeoff-table"]')).toContain("141.00"); // mean of 140 and 142
  });

  it("passes axe-core (WCAG 2.1 A/AA) without serious or critical violations in every view; every figure has a text alternative; every control is on the keyboard", async () => {
    for (const [name] of VIEWS) {
      await page.click(`[data-view-tab="${name}"]`);
      expect(await seriousAxeViolations(page), name).toEqual([]);
      expect(await figuresWithoutText(page), name).toEqual([]);
      expect(await controlsOffKeyboard(page), name).toEqual([]);
    }
  });

  it("works from the keyboard: arrow keys switch tabs, and move the z₁ slider, which decodes", async () => {
    await page.click('[data-view-tab="model"]');
    await page.focus('[data-view-tab="model"]');
    await page.keyboard.press("ArrowRight");
    expect(await page.getAttribute(`[data-view-tab="${VIEWS[1][0]}"]`, "aria-selected")).toBe("true");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-view-tab"))).toBe(VIEWS[1][0]);
    await page.click('[data-view-tab="navigator"]');
    const before = await zNow();
    const slider = `${root} input[type="range"]`;
    await page.focus(slider);
    for (let i = 0; i < 5; i++) await page.keyboard.press("ArrowRight");
    const after = await zNow();
    expect(after[0]).toBeGreaterThan(before[0]);
    expect(after[1]).toBeCloseTo(before[1], 6);
  });

  it("loads nothing from the network, and logs no errors or warnings", () => {
    expect(requests.filter((r) => r !== url() && !r.startsWith("data:"))).toEqual([]);
    expect(problems).toEqual([]);
  });
});
