import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { skipWithout } from "../src/testing/guard";
import { executeNotebook, joined, type Output } from "./notebookTesting";
skipWithout(import.meta.url, "jupyter");

// package.json's "exports" (Node at run time) and "typesVersions" (tslab's TypeScript 5.0 resolves
// modules as Node10, which ignores "exports") must both find the sub-entry.
describe("the package's entries in a real Jupyter kernel", () => {
  it('imports values and types from "vae-lab" and "vae-lab/instructor"', async () => {
    const r = await executeNotebook(["scripts/fixtures/entries.ipynb"]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const nb = JSON.parse(readFileSync(join(r.out, "entries.ipynb"), "utf8"));
    const text = nb.cells[0].outputs.map((o: Output) => joined(o.text)).join("");
    expect(text).toContain("entries: function 18 undefined");
  });
});
