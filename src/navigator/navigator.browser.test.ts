/**
 * The navigator in real Chromium (playwright-core, a page opened from disk as an offline user would):
 * sliders decode, decoding is fast, jumps land on centroids, morphs and interpolations draw.
 * Lesson 2 and the playground test it again inside their own pages with trained models.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../scripts/browser";
import { controlsOffKeyboard, figuresWithoutText, seriousAxeViolations } from "../testing/axe";
import { mnistVae } from "../vae/presets";
import { createVae } from "../vae/vae";
import { Rng } from "../vae/random";
import { navigatorData, navigatorHtml, type NavigatorData } from "./index";
import { skipWithout } from "../testing/guard";
skipWithout(import.meta.url, "chromium");

const SHOTS = join("out", "screenshots", "navigator");

describe("the latent navigator in Chromium", () => {
  let browser: Browser;
  let page: Page;
  let data: NavigatorData;
  const problems: string[] = [];

  beforeAll(async () => {
    // The lessons' decoder size (2 → 400 → 784), untrained: this test is about the page's mechanics.
    const model = createVae(mnistVae(2, 400), new Rng(11));
    const rng = new Rng(12);
    const n = 200;
    const x = Float32Array.from({ length: n * 784 }, () => rng.uniform());
    data = navigatorData(
      model,
      x,
      Array.from({ length: n }, (_, i) => i % 10),
    );
    // Spread the centroids so jumps go somewhere visible on the map.
    data.centroids = data.centroids.map((_, k) => [2.5 * Math.cos(k), 2.5 * Math.sin(k)]);
    model.dispose();
    const dir = mkdtempSync(join(tmpdir(), "vae-nav-"));
    const file = join(dir, "navigator.html");
    writeFileSync(
      file,
      `<!doctype html><meta charset="utf-8"><title>navigator</title><body>${navigatorHtml(data, { id: "nav1" })}</body>`,
    );
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 900, height: 900 } });
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    await page.goto(`file://${file}`);
    await page.waitForFunction(
      () => (window as unknown as { vaeLabNavigators?: Record<string, unknown> }).vaeLabNavigators?.nav1 !== undefined,
    );
    mkdirSync(SHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
  });

  // toDataURL, not getImageData: repeated readbacks make Chromium log a performance warning.
  const digitPixels = () =>
    page.evaluate(() =>
      (
        document.querySelector('[data-vae-navigator="nav1"] canvas[data-role="digit"]') as HTMLCanvasElement
      ).toDataURL(),
    );
  const zNow = async () => JSON.parse((await page.getAttribute('[data-vae-navigator="nav1"]', "data-z"))!) as number[];

  it("hides the no-script notice and draws a digit at start", async () => {
    expect(await page.isVisible('[data-vae-navigator="nav1"] [data-role="nojs"]')).toBe(false);
    const blank = await page.evaluate(() => {
      const c = document.createElement("canvas");
      c.width = c.height = 196;
      return c.toDataURL();
    });
    expect(await digitPixels()).not.toBe(blank);
  });

  it("decodes a new image when the z₁ slider moves, in well under 5 ms per frame", async () => {
    const before = await digitPixels();
    const slider = page.locator('[data-vae-navigator="nav1"] input[data-dim="0"]');
    for (const v of ["-2.5", "-1", "0.5", "2", "2.9"]) await slider.fill(v);
    await page.locator('[data-vae-navigator="nav1"] input[data-dim="1"]').fill("-1.5");
    expect(await zNow()).toEqual([2.9, -1.5]);
    expect(await digitPixels()).not.toEqual(before);
    // 200 more frames through the page's own decoder, timed in the page.
    const median = await page.evaluate(() => {
      const nav = (
        window as unknown as { vaeLabNavigators: Record<string, { setZ(z: number[]): void; decodeTimes: number[] }> }
      ).vaeLabNavigators.nav1;
      for (let i = 0; i < 200; i++) nav.setZ([3 * Math.sin(i / 7), 3 * Math.cos(i / 11)]);
      const t = nav.decodeTimes.slice(-200).sort((a, b) => a - b);
      return t[100]!;
    });
    expect(median).toBeLessThan(5);
    await page.screenshot({ path: join(SHOTS, "sliders.png") });
  });

  it("jumps to a digit's centroid and puts the map's marker there", async () => {
    await page.click('[data-vae-navigator="nav1"] button[data-action="jump"][data-class="7"]');
    const z = await zNow();
    expect(z[0]).toBeCloseTo(data.centroids[7]![0]!, 3);
    expect(z[1]).toBeCloseTo(data.centroids[7]![1]!, 3);
    const map = page.locator('[data-vae-navigator="nav1"] canvas[data-role="map"]');
    const x = Number(await map.getAttribute("data-marker-x"));
    const y = Number(await map.getAttribute("data-marker-y"));
    expect(x).toBeCloseTo(((z[0]! + 3) / 6) * 320, 0);
    expect(y).toBeCloseTo(320 - ((z[1]! + 3) / 6) * 320, 0);
    await page.screenshot({ path: join(SHOTS, "jump-7.png") });
  });

  it("morphs toward a digit step by step and ends on its centroid", async () => {
    await page.click('[data-vae-navigator="nav1"] button[data-action="jump"][data-class="0"]');
    await page.click('[data-vae-navigator="nav1"] button[data-action="morph"][data-class="3"]');
    expect(await page.locator('[data-vae-navigator="nav1"] [data-role="strip-morph"] canvas').count()).toBe(12);
    await page.waitForFunction(
      (target) => {
        const z = JSON.parse(
          document.querySelector('[data-vae-navigator="nav1"]')!.getAttribute("data-z")!,
        ) as number[];
        return Math.abs(z[0]! - target[0]!) < 1e-3 && Math.abs(z[1]! - target[1]!) < 1e-3;
      },
      data.centroids[3]!,
      { timeout: 5000 },
    );
  });

  it("draws linear and spherical interpolation strips between two chosen digits", async () => {
    await page.selectOption('[data-vae-navigator="nav1"] select[data-role="from"]', "1");
    await page.selectOption('[data-vae-navigator="nav1"] select[data-role="to"]', "4");
    await page.click('[data-vae-navigator="nav1"] button[data-action="interpolate"]');
    for (const strip of ["strip-linear", "strip-slerp"]) {
      expect(await page.locator(`[data-vae-navigator="nav1"] [data-role="${strip}"] canvas`).count()).toBe(8);
    }
    const paths = await page.evaluate(() => {
      const nav = (
        window as unknown as {
          vaeLabNavigators: Record<
            string,
            { interpolate(a: number, b: number): { linear: number[][]; spherical: number[][] } }
          >;
        }
      ).vaeLabNavigators.nav1;
      return nav.interpolate(1, 4);
    });
    expect(paths.linear[0]).toEqual(paths.spherical[0]);
    expect(paths.linear[3]).not.toEqual(paths.spherical[3]);
    await page.screenshot({ path: join(SHOTS, "interpolation.png"), fullPage: true });
  });

  it("draws a random sample from the prior", async () => {
    const before = await zNow();
    await page.click('[data-vae-navigator="nav1"] button[data-action="random"]');
    expect(await zNow()).not.toEqual(before);
  });

  it("passes axe-core (WCAG 2.1 A/AA) without serious or critical violations; its figures have text alternatives; its controls are on the keyboard", async () => {
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(await figuresWithoutText(page)).toEqual([]);
    expect(await controlsOffKeyboard(page)).toEqual([]);
  });

  it("works from the keyboard: arrow keys move a slider, Enter presses a jump button", async () => {
    const before = await zNow();
    await page.focus('[data-vae-navigator="nav1"] input[type="range"][data-dim="1"]');
    for (let i = 0; i < 4; i++) await page.keyboard.press("ArrowLeft");
    const after = await zNow();
    expect(after[1]).toBeLessThan(before[1]);
    expect(after[0]).toBeCloseTo(before[0], 6);
    await page.focus('[data-vae-navigator="nav1"] button[data-action="jump"][data-class="5"]');
    await page.keyboard.press("Enter");
    (await zNow()).forEach((v, j) => expect(v).toBeCloseTo(data.centroids[5][j], 3));
  });

  it("logged no console errors or page errors", () => {
    expect(problems).toEqual([]);
  });
});
