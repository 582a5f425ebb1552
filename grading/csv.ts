/**
 * The one CSV writer every export uses (gradebook.csv, Canvas, Moodle): RFC 4180 — fields with a
 * comma, quote, CR or LF are quoted, quotes doubled, rows end in CRLF — in UTF-8 without a byte
 * order mark (LMS importers read it; Excel needs "Data → From Text/CSV" to pick UTF-8). Text that a
 * spreadsheet would run as a formula (starting with = + - @, a tab or CR) gets a leading apostrophe
 * (OWASP's guard against CSV injection); numbers are written as numbers, so negative scores stay
 * numbers. null writes an empty field.
 */
export type CsvValue = string | number | null | undefined;

export function csvField(v: CsvValue): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return Number.isFinite(v) ? String(Math.round(v * 1000) / 1000) : "";
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csv(rows: CsvValue[][]): string {
  return rows.map((r) => r.map(csvField).join(",")).join("\r\n") + "\r\n";
}
