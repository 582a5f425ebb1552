/**
 * Math in notebook outputs that survives saving, re-running, an untrusted view and nbconvert's HTML
 * export, with no stylesheet or font to send (docs/notebooks.md explains the choice).
 *
 * One output holds the formula twice, and exactly one copy shows:
 * - MathML from KaTeX (`output: "mathml"`), which browsers typeset natively, without KaTeX's CSS;
 * - the TeX between `$$ … $$`, in a span the page's MathJax typesets (classic Jupyter typesets HTML
 *   outputs, trusted or not; JupyterLab does too).
 * A tiny `<style>` in the output shows the MathML and hides the TeX. Untrusted notebooks have their
 * HTML sanitized: `<style>` and the MathML elements are removed, the `hidden` attribute is kept, so
 * what is left of the MathML stays hidden and MathJax typesets the TeX instead.
 *
 * Chromium implements MathML Core, which ignores `mathvariant` other than "normal": `\mathcal{L}`
 * would come out as a plain L. So styled letters become their Unicode mathematical alphanumeric
 * characters (ℒ, 𝔼, 𝐱), which every renderer shows as they are.
 */
import katex from "katex";

/** Code points of 'A' and 'a' in each Unicode mathematical alphabet (Unicode 15, block 1D400). */
const ALPHABETS: Record<string, { upper: number; lower: number; digits?: number }> = {
  bold: { upper: 0x1d400, lower: 0x1d41a, digits: 0x1d7ce },
  italic: { upper: 0x1d434, lower: 0x1d44e },
  "bold-italic": { upper: 0x1d468, lower: 0x1d482 },
  script: { upper: 0x1d49c, lower: 0x1d4b6 },
  fraktur: { upper: 0x1d504, lower: 0x1d51e },
  "double-struck": { upper: 0x1d538, lower: 0x1d552, digits: 0x1d7d8 },
  "sans-serif": { upper: 0x1d5a0, lower: 0x1d5ba, digits: 0x1d7e2 },
};

/** Letters that Unicode encoded earlier (Letterlike Symbols): the holes in the alphabets above. */
const HOLES: Record<string, string> = {
  "italic:h": "ℎ",
  "script:B": "ℬ",
  "script:E": "ℰ",
  "script:F": "ℱ",
  "script:H": "ℋ",
  "script:I": "ℐ",
  "script:L": "ℒ",
  "script:M": "ℳ",
  "script:R": "ℛ",
  "script:e": "ℯ",
  "script:g": "ℊ",
  "script:o": "ℴ",
  "fraktur:C": "ℭ",
  "fraktur:H": "ℌ",
  "fraktur:I": "ℑ",
  "fraktur:R": "ℜ",
  "fraktur:Z": "ℨ",
  "double-struck:C": "ℂ",
  "double-struck:H": "ℍ",
  "double-struck:N": "ℕ",
  "double-struck:P": "ℙ",
  "double-struck:Q": "ℚ",
  "double-struck:R": "ℝ",
  "double-struck:Z": "ℤ",
};

/**
 * `text` in the mathematical alphabet `variant`; characters it has no letter for stay as they are.
 *
 * @example
 * mathAlphabet("script", "L"); //=> "ℒ"
 */
export function mathAlphabet(variant: string, text: string): string {
  const alphabet = ALPHABETS[variant];
  if (!alphabet) return text;
  return Array.from(text, (ch) => {
    const hole = HOLES[`${variant}:${ch}`];
    if (hole) return hole;
    const c = ch.codePointAt(0)!;
    if (c >= 65 && c <= 90) return String.fromCodePoint(alphabet.upper + c - 65);
    if (c >= 97 && c <= 122) return String.fromCodePoint(alphabet.lower + c - 97);
    if (c >= 48 && c <= 57 && alphabet.digits) return String.fromCodePoint(alphabet.digits + c - 48);
    return ch;
  }).join("");
}

/**
 * `tex` as a MathML element (no KaTeX CSS needed), styled letters as Unicode characters, without the
 * TeX annotation (the output carries the TeX once, for MathJax). Throws on bad TeX (a lesson bug).
 *
 * @example
 * texToMathMl("\\mathcal{L}"); //=> '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block"><mi>ℒ</mi></math>'
 */
export function texToMathMl(tex: string, displayMode = true): string {
  const html = katex.renderToString(tex, { displayMode, output: "mathml", throwOnError: true });
  const math = /<math[\s\S]*<\/math>/.exec(html)![0];
  return math
    .replace(/<annotation encoding="application\/x-tex">[\s\S]*?<\/annotation>/, "")
    .replace(/<semantics>([\s\S]*)<\/semantics>/, "$1")
    .replace(
      /<(mi|mn|mtext)((?:\s[^>]*)?) mathvariant="([a-z-]+)"((?:\s[^>]*)?)>([^<]*)<\/\1>/g,
      (whole, tag: string, pre: string, variant: string, post: string, body: string) =>
        ALPHABETS[variant]
          ? `<${tag}${pre}${post}${variant === "italic" ? "" : ' mathvariant="normal"'}>${mathAlphabet(variant, body)}</${tag}>`
          : whole,
    );
}

const escapeText = (s: string) => s.replace(/[&<>]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[c]!);

/** Shows the MathML copy, hides the TeX copy: sent in every output (sanitized away when untrusted). */
const MATH_STYLE =
  "<style>.vae-lab-math>.vae-lab-mathml[hidden]{display:block!important}.vae-lab-math>.vae-lab-mathml.inline[hidden]{display:inline!important}.vae-lab-math>.vae-lab-tex{display:none!important}</style>";

/** The HTML of one formula output: MathML shown, TeX for MathJax where styles are stripped. */
export function mathHtml(tex: string, displayMode = true): string {
  const mathml = texToMathMl(tex, displayMode);
  const delim = displayMode ? "$$" : "$";
  const tag = displayMode ? "div" : "span";
  return `<${tag} class="vae-lab-math">${MATH_STYLE}<${tag} class="vae-lab-mathml hidden${displayMode ? "" : " inline"}" hidden>${mathml}</${tag}><span class="vae-lab-tex">${delim}${escapeText(tex)}${delim}</span></${tag}>`;
}
