/**
 * The one CSV writer (the grader's gradebook.csv, Canvas and Moodle exports; the experiments'
 * results.csv): RFC 4180 — fields with a comma, quote, CR or LF are quoted, quotes doubled, rows end
 * in CRLF — in UTF-8 without a byte order mark (LMS importers read it; Excel needs "Data → From
 * Text/CSV" to pick UTF-8). Text that a spreadsheet would run as a formula (starting with = + - @, a
 * tab or CR) gets a leading apostrophe (OWASP's guard against CSV injection); numbers are written as
 * numbers, so negative scores stay numbers, rounded to `decimals` (default 3; undefined: as they
 * are). null, undefined and non-finite numbers write an empty field.
 */
export type CsvValue = string | number | null | undefined;

export interface CsvOptions {
  /** Decimals numbers are rounded to (default 3); `null` writes them in full. */
  decimals?: number | null;
}

/**
 * @example
 * csvField("=1+1");  //=> "'=1+1"
 * csvField(2 / 3);   //=> "0.667"
 */
export function csvField(v: CsvValue, options: CsvOptions = {}): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return "";
    const d = options.decimals === undefined ? 3 : options.decimals;
    return d === null ? String(v) : String(Math.round(v * 10 ** d) / 10 ** d);
  }
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * @example
 * csv([["name", "score"], ["a, b", 1.23456]]); //=> 'name,score\r\n"a, b",1.235\r\n'
 */
export function csv(rows: CsvValue[][], options: CsvOptions = {}): string {
  return rows.map((r) => r.map((v) => csvField(v, options)).join(",")).join("\r\n") + "\r\n";
}
