import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { skipWithout } from "../src/testing/guard";
import { findPython, kernelEntry, KERNEL_NAME, registerKernel } from "./jupyter";

skipWithout(import.meta.url, "jupyter");

describe("registering the vae-lab kernel with Jupyter", () => {
  it("registers under a prefix as kernels/vae-lab, leaving other kernels alone", () => {
    const python = findPython(["jupyter_client"])!;
    const prefix = mkdtempSync(join(tmpdir(), "vae-lab-prefix-"));
    try {
      const { specDir, jupyterPath } = registerKernel(python, { prefix });
      expect(jupyterPath).toBe(join(prefix, "share", "jupyter"));
      expect(specDir).toBe(join(jupyterPath!, "kernels", KERNEL_NAME));
      expect(readdirSync(join(jupyterPath!, "kernels"))).toEqual([KERNEL_NAME]);
      const spec = JSON.parse(readFileSync(join(specDir, "kernel.json"), "utf8"));
      expect(spec.argv.slice(0, 2)).toEqual([process.execPath, kernelEntry()]);
      expect(existsSync(spec.argv[1])).toBe(true);
    } finally {
      rmSync(prefix, { recursive: true, force: true });
    }
  });
});
