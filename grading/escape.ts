/**
 * Student-controlled text (names, file names, kernel names, notes quoting them) in our reports:
 * HTML-escaped in summary.html, and in Markdown (feedback.md, summary.md, Gradescope's "md" output)
 * written so no character of it can become markup, a link, an image or raw HTML.
 */

/** For HTML text and attribute values. */
export const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/**
 * For Markdown text: one line (newlines become spaces), every ASCII punctuation character that
 * Markdown or GFM gives a meaning backslash-escaped (CommonMark: any escaped ASCII punctuation is
 * literal), `<`, `>` and `&` as entities so no raw HTML survives.
 *
 * @example mdText("[x](javascript:alert(1)) <b>") //=> "\\[x\\]\\(javascript:alert\\(1\\)\\) &lt;b&gt;"
 */
export function mdText(s: string): string {
  return s
    .replace(/[\r\n\u2028\u2029]+/g, " ")
    .replace(/[\\`*_{}[\]()#+\-.!|~:"'^=$]/g, (c) => `\\${c}`)
    .replace(/[&<>]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[c]!);
}
