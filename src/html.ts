/**
 * Escaping text for HTML: the one helper that notebook outputs, the playground, the navigator and
 * the grader's reports use for text and attribute values.
 *
 * @example escapeHtml(`a < b & "c"`) //=> "a &lt; b &amp; &quot;c&quot;"
 */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
