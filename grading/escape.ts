/**
 * Student-controlled text (names, file names, kernel names, notes quoting them) in our reports:
 * HTML-escaped in summary.html, and in Markdown (feedback.md, summary.md, Gradescope's "md" output)
 * written so no character of it can become markup, a link, an image or raw HTML.
 */

import { escapeHtml } from "../src/html";

/** For HTML text and attribute values. */
export const esc = escapeHtml;

/**
 * For Markdown text: one line (newlines become spaces); backslash-escaped wherever CommonMark or
 * GFM would read markup — `\` `` ` `` `*` `[` `]` `|` `~` `$` `@` always, `_` at a word's edge, the
 * `:` of `://` and the dot of `www.` (GFM's autolinks) — and `<`, `>`, `&` as entities, so no raw
 * HTML survives. Everything else stays readable ("smithjane_12345", "homework.ipynb").
 *
 * @example mdText("[x](javascript:alert(1)) <b>") //=> "\\[x\\](javascript:alert(1)) &lt;b&gt;"
 */
export function mdText(s: string): string {
  return s
    .replace(/[\r\n\u2028\u2029]+/g, " ")
    .replace(/[\\`*[\]|~$@]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])|:(?=\/\/)/g, (c) => `\\${c}`)
    .replace(/(www)\./gi, "$1\\.")
    .replace(/[&<>]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[c]!);
}
