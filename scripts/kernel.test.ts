import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findPython, KERNEL_NAME, kernelSpec, registerKernel } from "./jupyter";
import { skipWithout } from "../src/testing/guard";

skipWithout(import.meta.url, "jupyter");

describe("the vae-lab kernel", () => {
  it("starts this project's own tslab", () => {
    const spec = kernelSpec("/some/project");
    expect(spec.argv).toEqual(["/some/project/node_modules/.bin/tslab", "kernel", "--config-path", "{connection_file}"]);
    expect(spec).toMatchObject({ display_name: "vae-lab (TypeScript)", language: "typescript" });
  });

  it("registers under a prefix as kernels/vae-lab, leaving other kernels alone", () => {
    const python = findPython(["jupyter_client"]);
    expect(python, "jupyter_client is missing: apt-get install jupyter-client").toBeDefined();
    const prefix = mkdtempSync(join(tmpdir(), "vae-lab-prefix-"));
    try {
      const { specDir, jupyterPath } = registerKernel(python!, { prefix });
      expect(jupyterPath).toBe(join(prefix, "share", "jupyter"));
      expect(specDir).toBe(join(jupyterPath!, "kernels", KERNEL_NAME));
      expect(readdirSync(join(jupyterPath!, "kernels"))).toEqual([KERNEL_NAME]);
      const spec = JSON.parse(readFileSync(join(specDir, "kernel.json"), "utf8"));
      expect(spec.argv[0]).toBe(join(process.cwd(), "node_modules", ".bin", "tslab"));
      expect(existsSync(spec.argv[0])).toBe(true);
    } finally {
      rmSync(prefix, { recursive: true, force: true });
    }
  });

  it("is the kernel every committed notebook asks for", () => {
    const notebooks = ["notebooks", "solutions"].flatMap((d) => readdirSync(d).filter((f) => f.endsWith(".ipynb")).map((f) => join(d, f)));
    const wrong = notebooks.filter((nb) => JSON.parse(readFileSync(nb, "utf8")).metadata?.kernelspec?.name !== KERNEL_NAME);
    expect(wrong, `set metadata.kernelspec to { "name": "${KERNEL_NAME}", "display_name": "vae-lab (TypeScript)", "language": "typescript" }`).toEqual([]);
  });
});
