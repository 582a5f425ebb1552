/**
 * Every figure builder's spec drawn by the plotly.js this project installs (plotly.js-dist, in real
 * Chromium): the figure renders, and its title and axis titles appear as text. plotly.js 3 dropped
 * string titles, so a builder that went back to `title: "…"` would lose them here.
 */
import { createRequire } from "node:module";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../scripts/browser";
import { skipWithout } from "../testing/guard";
import { curvesFigure, latentMapFigure, panel, tradeoffFigure } from "./experiments";
import { lossFigure, overlayFigure, reconstructionFigure, scatter2d, snapshotSliderFigure } from "./figures";
import { classScatterFigure, confusionFigure } from "./latentFigures";
import type { Figure } from "./svg";

skipWithout(import.meta.url, "chromium");

const pts = Float32Array.from({ length: 40 }, (_, i) => Math.sin(i) * (i % 7));
const labels = Array.from({ length: 20 }, (_, i) => i % 3);
const history = [1, 2, 3].map((e) => ({ step: e * 10, epoch: e, total: 200 - e, recon: 190 - e, kl: 10 + e }));
const figures: [string, Figure][] = [
  ["scatter2d", scatter2d(pts, { title: "Swiss roll", xTitle: "x₁", yTitle: "x₂" })],
  ["lossFigure", lossFigure(history, { per: "epoch" })],
  ["reconstructionFigure", reconstructionFigure(pts, pts)],
  ["overlayFigure", overlayFigure(pts, pts, "Data and decoded prior samples")],
  ["snapshotSliderFigure", snapshotSliderFigure(pts, [{ label: "step 1", points: pts }], "Training snapshots")],
  ["classScatterFigure", classScatterFigure(pts, labels, ["a", "b", "c"])],
  [
    "confusionFigure",
    confusionFigure(
      [
        [5, 1, 0],
        [1, 5, 0],
        [0, 0, 6],
      ],
      ["a", "b", "c"],
    ),
  ],
  [
    "tradeoffFigure",
    tradeoffFigure([
      { latentDim: 2, testRecon: 140, testKl: 6 },
      { latentDim: 8, testRecon: 95, testKl: 18 },
    ]),
  ],
  ["latentMapFigure", latentMapFigure(pts, 2, labels, ["a", "b", "c"], { title: "β = 1" })],
  [
    "curvesFigure",
    curvesFigure([{ name: "L = 2", x: [1, 2, 3], y: [3, 2, 1] }], {
      title: "Held-out ELBO",
      xTitle: "epoch",
      yTitle: "nats",
    }),
  ],
  [
    "panel",
    panel(
      curvesFigure([{ name: "L = 2", x: [1, 2], y: [2, 1] }], {
        title: "Small panel",
        xTitle: "epoch",
        yTitle: "nats",
      }),
    ),
  ],
];
const text = (t: unknown) => (typeof t === "object" && t !== null ? (t as { text?: string }).text : undefined);

describe("figures drawn by plotly.js", () => {
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage();
    page.on("pageerror", (e) => problems.push(e.message));
    await page.setContent(
      `<!doctype html><html lang="en"><meta charset="utf-8"><title>figures</title><body><div id="fig" style="width:640px;height:480px"></div></body></html>`,
    );
    await page.addScriptTag({ path: createRequire(import.meta.url).resolve("plotly.js-dist/plotly.js") });
  });
  afterAll(() => browser?.close());

  it("is the current major of plotly.js", async () => {
    expect(
      Number(
        (await page.evaluate(() => (window as unknown as { Plotly: { version: string } }).Plotly.version)).split(
          ".",
        )[0],
      ),
    ).toBeGreaterThanOrEqual(3);
  });

  for (const [name, fig] of figures) {
    it(`draws ${name} with its title and axis titles`, async () => {
      const want = {
        title: text(fig.layout?.title),
        x: text(fig.layout?.xaxis?.title),
        y: text(fig.layout?.yaxis?.title),
      };
      expect(want.title ?? want.x, "the builder gives titles as { text }").toBeDefined();
      const got = await page.evaluate(
        async (spec) => {
          const Plotly = (
            window as unknown as {
              Plotly: {
                newPlot(el: string, data: unknown, layout: unknown): Promise<unknown>;
                purge(el: string): void;
              };
            }
          ).Plotly;
          Plotly.purge("fig");
          await Plotly.newPlot("fig", spec.data, spec.layout);
          const t = (sel: string) => document.querySelector(`#fig ${sel}`)?.textContent ?? null;
          return {
            title: t(".gtitle"),
            x: t(".xtitle"),
            y: t(".ytitle"),
            traces: document.querySelectorAll("#fig .trace, #fig .hm, #fig image").length,
          };
        },
        JSON.parse(JSON.stringify(fig)),
      );
      if (want.title) expect(got.title).toBe(want.title);
      if (want.x) expect(got.x).toBe(want.x);
      if (want.y) expect(got.y).toBe(want.y);
      expect(got.traces).toBeGreaterThan(0);
    });
  }

  it("raised no page errors", () => expect(problems).toEqual([]));
});
