import { afterAll, describe, expect, it } from "vitest";
import type { ImageDataset } from "../vae/data/dataset";
import { mnistVae } from "../vae/presets";
import { createVae } from "../vae/vae";
import { MNIST_JOB_DEFAULTS } from "../mnistJob";
import { Rng } from "../vae/random";
import { playgroundData, type PlaygroundInputs } from "./data";
import { playgroundPage, VIEWS } from "./page";

// An untrained small model and random "digits": these tests are about the page, not the model.
const model = createVae(mnistVae(2, 16), new Rng(1));
afterAll(() => model.dispose());
const rng = new Rng(2);
const n = 60;
const evil = '</script><script>alert("x")</script>';
const test: ImageDataset = {
  images: rng.uniforms(n * 784),
  labels: Uint8Array.from({ length: n }, (_, i) => i % 10),
  n,
  height: 28,
  width: 28,
  classNames: ["0", "1", "2", "3", "4", "5", "6", "7", "8", evil],
  source: "test digits <i>",
};
const inputs: PlaygroundInputs = {
  model,
  settings: { ...MNIST_JOB_DEFAULTS, hidden: 16, epochs: 2 },
  test,
  dataSource: test.source,
  backend: "wasm",
  loaded: true,
  trainSeconds: 1.5,
  heldOut: { total: 200.5, recon: 190.25, kl: 10.25 },
  history: [1, 2].map((epoch) => ({
    epoch,
    step: epoch * 10,
    beta: 1,
    total: 300 - epoch,
    recon: 290,
    kl: 10 - epoch,
  })),
  heldOutHistory: [],
  experiments: { status: "missing", file: "/x/results.json" },
};

describe("the playground page", () => {
  const data = playgroundData(inputs, { reconstructionPool: 30 });
  const html = playgroundPage(data, '<div data-vae-navigator="playground">navigator</div>');

  it("has the five views, each with its tab", () => {
    expect(VIEWS.map(([name]) => name)).toEqual(["model", "latent", "reconstructions", "navigator", "training"]);
    for (const [name] of VIEWS) {
      expect(html).toContain(`data-view-tab="${name}"`);
      expect(html).toContain(`data-view-panel="${name}"`);
    }
  });

  it("references nothing outside itself (scripts, styles, fonts, images are inline or data: URIs)", () => {
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link(?![^>]*href="data:)[^>]*>/i);
    expect(html).not.toMatch(/url\((?!data:)/);
    expect(html).not.toMatch(/@import/);
    expect(html).toContain('http-equiv="Content-Security-Policy"');
  });

  it("escapes text from data and cannot be broken out of its scripts by a class name", () => {
    expect(html).not.toContain(evil);
    expect(html).not.toContain("<i>");
    expect(html).toContain("test digits &lt;i&gt;");
    // Every <script> that opens is closed by its own </script>: count them.
    expect(html.match(/<script\b/g)!.length).toBe(html.match(/<\/script>/g)!.length);
  });

  it("fills the loss formulas with the held-out values", () => {
    expect(html).toContain("190.25");
    expect(html).toContain("10.25");
    expect(html).toContain("200.50");
  });

  it("says how to get per-epoch held-out curves when the checkpoint has none, and how to get experiment results", () => {
    expect(html).toContain('data-role="no-heldout-history"');
    expect(html).toContain("npm start -- --retrain");
    expect(html).toContain('data-role="tradeoff-missing"');
  });

  it("shows β in the loss when it is not 1", () => {
    const withBeta = playgroundPage(
      playgroundData({ ...inputs, settings: { ...inputs.settings, beta: 4 } }, { reconstructionPool: 10 }),
      "",
    );
    expect(withBeta).toContain("\\beta");
    expect(withBeta).toContain("β = 4");
  });

  it("keeps a reconstruction pool of uint8 images", () => {
    expect(data.reconstructions.count).toBe(30);
    expect(Buffer.from(data.reconstructions.originals, "base64")).toHaveLength(30 * 784);
    expect(Buffer.from(data.reconstructions.reconstructions, "base64")).toHaveLength(30 * 784);
  });
});
