import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { displayBundle } from "../src/notebook/display";
import { jupyterArgs, KERNEL_NAME, kernelSpec, tslabEntry } from "./jupyter";

describe("the vae-lab kernel", () => {
  it("starts this project's own tslab with the Node that registered it, by absolute paths", () => {
    const spec = kernelSpec("/some/project", "/opt/node-24/bin/node");
    expect(spec.argv).toEqual([
      "/opt/node-24/bin/node",
      "/some/project/scripts/kernel.mjs",
      "kernel",
      "--config-path",
      "{connection_file}",
    ]);
    expect(spec).toMatchObject({ display_name: "vae-lab (TypeScript)", language: "typescript" });
  });

  it("defaults to this process's Node and an entry script that exists", () => {
    const spec = kernelSpec();
    expect(spec.argv[0]).toBe(process.execPath);
    expect(existsSync(spec.argv[1])).toBe(true);
    expect(readFileSync(spec.argv[1], "utf8")).toMatch(/require\(join\(tslabDir, "dist", "main\.js"\)\)\.main\(\)/);
  });

  it("is the kernel every committed notebook asks for", () => {
    const notebooks = ["notebooks", "solutions"].flatMap((d) =>
      readdirSync(d)
        .filter((f) => f.endsWith(".ipynb"))
        .map((f) => join(d, f)),
    );
    const wrong = notebooks.filter(
      (nb) => JSON.parse(readFileSync(nb, "utf8")).metadata?.kernelspec?.name !== KERNEL_NAME,
    );
    expect(
      wrong,
      `set metadata.kernelspec to { "name": "${KERNEL_NAME}", "display_name": "vae-lab (TypeScript)", "language": "typescript" }`,
    ).toEqual([]);
  });
});

describe("npm run lab's Jupyter arguments", () => {
  it("adds --allow-root as root, where Jupyter refuses to start without it", () => {
    expect(jupyterArgs("/p/notebooks", ["--port", "8890"], 0)).toEqual([
      "--notebook-dir=/p/notebooks",
      "--allow-root",
      "--port",
      "8890",
    ]);
  });

  it("leaves it out for other users, and does not repeat the user's own", () => {
    expect(jupyterArgs("/p/notebooks", [], 1000)).toEqual(["--notebook-dir=/p/notebooks"]);
    expect(jupyterArgs("/p/notebooks", ["--allow-root"], 0)).toEqual(["--notebook-dir=/p/notebooks", "--allow-root"]);
  });
});

// vae-lab sends multi-MIME displays through a tslab internal (src/notebook/display.ts reads
// tslab/dist/jupyter.js's lastWriteDisplayData). tslab is pinned exactly; this catches an upgrade
// that renames or reshapes it, without a Jupyter install.
describe("what vae-lab reads from tslab", () => {
  const req = createRequire(join(process.cwd(), "package.json"));
  const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
  afterEach(() => {
    process.stdout.write = writes.stdout; // handleExecute redirects them to the (fake) iopub
    process.stderr.write = writes.stderr;
  });

  it("pins tslab to the exact version installed", () => {
    const wanted = JSON.parse(readFileSync("package.json", "utf8")).dependencies.tslab;
    expect(wanted).toMatch(/^\d+\.\d+\.\d+$/);
    expect(JSON.parse(readFileSync(join(tslabEntry(), "..", "..", "package.json"), "utf8")).version).toBe(wanted);
  });

  it("hands the running cell's display writer to displayBundle, which sends one multi-MIME bundle through it", async () => {
    const jupyter = req("tslab/dist/jupyter.js") as {
      lastWriteDisplayData: unknown;
      JupyterHandlerImpl: new (
        executor: unknown,
        isJs: boolean,
      ) => { handleExecute(req: unknown, ws: unknown, wd: unknown): Promise<{ status: string }> };
    };
    expect(jupyter.lastWriteDisplayData).toBeNull();
    const sent: { data: unknown; update: boolean }[] = [];
    const writeDisplayData = (data: unknown, update: boolean) => sent.push({ data, update });
    const executor = {
      execute: async () => (
        displayBundle({ "text/html": "<b>x</b>", "text/plain": "x" }, { id: "d1" }),
        displayBundle({ "text/plain": "y" }, { id: "d1", update: true }),
        true
      ),
    };
    const reply = await new jupyter.JupyterHandlerImpl(executor, false).handleExecute(
      { code: "" },
      () => {},
      writeDisplayData,
    );
    expect(reply.status).toBe("ok");
    expect(jupyter.lastWriteDisplayData).toBe(writeDisplayData);
    expect(sent).toEqual([
      {
        data: { data: { "text/html": "<b>x</b>", "text/plain": "x" }, metadata: {}, transient: { display_id: "d1" } },
        update: false,
      },
      { data: { data: { "text/plain": "y" }, metadata: {}, transient: { display_id: "d1" } }, update: true },
    ]);
  });
});
