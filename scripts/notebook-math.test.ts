import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import katex from "katex";
import { describe, expect, it } from "vitest";

/** $$…$$ (display) and $…$ (inline) blocks of a markdown cell, outside code spans. */
export function mathBlocks(markdown: string): { tex: string; display: boolean }[] {
  const text = markdown.replace(/`[^`]*`/g, "");
  const out: { tex: string; display: boolean }[] = [];
  const rest = text.replace(/\$\$([\s\S]+?)\$\$/g, (_, tex: string) => {
    out.push({ tex, display: true });
    return " ";
  });
  for (const m of rest.matchAll(/\$([^$\n]+?)\$/g)) out.push({ tex: m[1], display: false });
  return out;
}

const notebooks = ["solutions", "notebooks"].flatMap((d) =>
  readdirSync(d)
    .filter((f) => f.endsWith(".ipynb"))
    .map((f) => join(d, f)),
);

describe("math in the notebooks", () => {
  it("finds math blocks the way Jupyter does", () => {
    expect(mathBlocks("a $x^2$ and $$\\frac{1}{2}$$ but not `$HOME`")).toEqual([
      { tex: "\\frac{1}{2}", display: true },
      { tex: "x^2", display: false },
    ]);
  });

  it.each(notebooks)("%s: every math block renders with KaTeX", (path) => {
    const nb = JSON.parse(readFileSync(path, "utf8"));
    let count = 0;
    nb.cells.forEach((cell: { cell_type: string; source: string | string[] }, i: number) => {
      if (cell.cell_type !== "markdown") return;
      for (const { tex, display } of mathBlocks(Array.isArray(cell.source) ? cell.source.join("") : cell.source)) {
        count++;
        expect(
          () => katex.renderToString(tex, { displayMode: display, throwOnError: true }),
          `${path}, cell ${i + 1}: ${tex}`,
        ).not.toThrow();
      }
    });
    if (path.includes("01_swiss_roll")) expect(count).toBeGreaterThan(20);
  });
});
