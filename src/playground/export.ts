/**
 * `npm start -- --export <file.html>`: the playground page written to one file, atomically (a
 * temporary file renamed into place), so an interrupted export never leaves half a page behind.
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

/** Writes `html` to `file`; returns the absolute path and the size in bytes. */
export function writeExport(file: string, html: string): { path: string; bytes: number } {
  const path = resolve(file);
  if (existsSync(path) && statSync(path).isDirectory())
    throw new Error(`--export ${file}: that is a folder; give a file name such as playground.html.`);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  const bytes = Buffer.from(html, "utf8");
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new Error(`--export ${file}: cannot write it (${(err as Error).message}).`);
  }
  return { path, bytes: bytes.length };
}
