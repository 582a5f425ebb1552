/**
 * Notebooks as students really hand them in: run top to bottom, outputs and all. Lessons 1 and 2
 * are executed here through the real Jupyter kernel (nbclient + tslab: about 35 s and 95 s on our
 * shared machine) and graded; a third notebook carries 15 MB of the outputs an executed lesson
 * holds (plotly.js inlined once, figure specs with SVG fallbacks, PNGs). All must get full marks,
 * as the cleared solutions do.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeNotebook } from "../scripts/notebookTesting";
import { gradeBatch } from "./grade";
import { projectDir } from "./jail/bundle";
import { INTAKE_LIMITS } from "./notebook";
import { readNotebook, tempDir, writeNotebook } from "./testing/fixtures";
import { skipWithout } from "../src/testing/guard";
skipWithout(import.meta.url, "jupyter");

let root: string;
beforeAll(() => (root = tempDir("executed")));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe("executed lesson notebooks", () => {
  for (const [lesson, student] of [
    ["01_swiss_roll_vae", "ada"],
    ["02_mnist_vae", "bea"],
  ] as const) {
    it(`grades ${lesson} run through the real kernel to full marks, its outputs discarded unread`, async () => {
      const run = await executeNotebook([`solutions/${lesson}.ipynb`]);
      expect(run.status, run.stderr.slice(-2000)).toBe(0);
      const executed = path.join(run.out, `${lesson}.ipynb`);
      const nb = readNotebook(executed);
      expect(nb.cells.filter((c) => (c.outputs ?? []).length > 0).length).toBeGreaterThan(3);
      const subs = path.join(root, lesson, student);
      fs.mkdirSync(subs, { recursive: true });
      fs.copyFileSync(executed, path.join(subs, `${lesson}.ipynb`));
      fs.rmSync(run.out, { recursive: true, force: true });
      const b = await gradeBatch({
        inputs: [path.dirname(subs)],
        outDir: path.join(root, `${lesson}-out`),
        progress: false,
      });
      expect(b.exitCode).toBe(0);
      expect(b.results.map((r) => [r.student, r.score])).toEqual([[student, b.results[0].maxScore]]);
      expect(b.results[0].maxScore).toBeGreaterThan(0);
      expect(b.info.notebooks).toMatchObject([{ student, status: "graded", lesson }]);
    }, 600_000);
  }

  it("grades lesson 2 carrying 15 MB of realistic outputs to full marks", async () => {
    const nb = readNotebook(path.join(projectDir, "solutions", "02_mnist_vae.ipynb"));
    const plotly = fs.readFileSync(path.join(projectDir, "node_modules", "plotly.js-dist", "plotly.js"), "utf8");
    const figure = {
      data: [
        {
          type: "scatter",
          mode: "markers",
          x: Array.from({ length: 4000 }, (_, i) => Math.sin(i) * 3),
          y: Array.from({ length: 4000 }, (_, i) => Math.cos(i * 1.3) * 3),
        },
      ],
      layout: { title: { text: "latent space" } },
    };
    const svg = `<svg xmlns="http://www.w3.org/2000/svg">${Array.from({ length: 4000 }, (_, i) => `<circle cx="${(i * 7) % 400}" cy="${(i * 13) % 300}" r="2"/>`).join("")}</svg>`;
    const png = Buffer.alloc(400_000, 7).toString("base64");
    let first = true;
    for (const c of nb.cells) {
      if (c.cell_type !== "code") continue;
      c.outputs = [
        ...(first
          ? [{ output_type: "display_data", data: { "text/html": `<script>${plotly}</script>` }, metadata: {} }]
          : []),
        {
          output_type: "display_data",
          data: { "application/vnd.plotly.v1+json": figure, "image/svg+xml": svg, "text/plain": "<Figure>" },
          metadata: {},
        },
        { output_type: "display_data", data: { "image/png": png }, metadata: {} },
        { output_type: "stream", name: "stdout", text: ["epoch 1  loss 163.2\n", "epoch 2  loss 141.7\n"] },
      ];
      first = false;
    }
    const file = writeNotebook(path.join(root, "l2", "bo"), "02_mnist_vae.ipynb", nb);
    const bytes = fs.statSync(file).size;
    expect(bytes).toBeGreaterThan(15 * 1024 * 1024);
    expect(bytes).toBeGreaterThan(3 * INTAKE_LIMITS.sourceBytes);
    const b = await gradeBatch({ inputs: [path.join(root, "l2")], outDir: path.join(root, "l2-out"), progress: false });
    expect(b.exitCode).toBe(0);
    const r = b.results[0];
    expect([r.student, r.score]).toEqual(["bo", r.maxScore]);
    expect(r.maxScore).toBeGreaterThan(0);
  });
});
