import { describe, expect, it } from "vitest";
import { mathAlphabet, mathHtml, texToMathMl } from "./math";

describe("math for notebook outputs", () => {
  it("writes styled letters as Unicode characters, which MathML Core renders without mathvariant", () => {
    expect(mathAlphabet("script", "L")).toBe("ℒ");
    expect(mathAlphabet("script", "N")).toBe("𝒩");
    expect(mathAlphabet("double-struck", "E")).toBe("𝔼");
    expect(mathAlphabet("bold", "x1")).toBe("𝐱𝟏");
    expect(mathAlphabet("unknown", "L")).toBe("L");
  });

  it("turns \\mathcal{L}, \\mathbb{E} and \\mathbf{x} into their letters, and drops the TeX annotation", () => {
    const m = texToMathMl(String.raw`\mathcal{L} = \mathbb{E}_q \mathbf{x} + \mathrm{KL}`);
    expect(m).toMatch(/^<math[^>]*display="block">/);
    expect(m).toContain('<mi mathvariant="normal">ℒ</mi>');
    expect(m).toContain("𝔼");
    expect(m).toContain("𝐱");
    expect(m).toContain('<mi mathvariant="normal">K</mi>');
    expect(m).not.toMatch(/mathvariant="(script|double-struck|bold)"/);
    expect(m).not.toContain("annotation");
    expect(m).not.toContain("\\mathcal");
  });

  it("escapes the TeX copy so that < and & cannot break the output", () => {
    const html = mathHtml("a < b \\; \\& c");
    expect(html).toContain("$$a &lt; b \\; \\&amp; c$$");
  });

  it("renders inline math inline", () => {
    expect(mathHtml("x^2", false)).toMatch(
      /^<span class="vae-lab-math">.*<span class="vae-lab-mathml hidden inline" hidden><math[^>]*>.*\$x\^2\$/,
    );
  });
});
