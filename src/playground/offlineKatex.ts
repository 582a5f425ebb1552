/**
 * KaTeX's stylesheet for a page that must render math with no network: every font KaTeX may use is
 * inlined as a woff2 data URI (~300 KB of fonts, ~400 KB as base64), and the woff/ttf fallbacks —
 * relative URLs that would be fetched from wherever the page lives — are dropped. Every browser that
 * can run the playground reads woff2.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { projectRoot } from "../paths";

let cached: string | undefined;

export function offlineKatexCss(): string {
  if (cached !== undefined) return cached;
  const req = createRequire(join(projectRoot() ?? process.cwd(), "package.json"));
  const dir = join(req.resolve("katex/package.json"), "..", "dist");
  const css = readFileSync(join(dir, "katex.min.css"), "utf8");
  const out = css.replace(/src:([^;}]*)/g, (_, list: string) => {
    const woff2 = /url\((fonts\/KaTeX_[A-Za-z0-9_-]+\.woff2)\)/.exec(list);
    if (!woff2)
      throw new Error(
        `offlineKatexCss: an @font-face in katex.min.css has no woff2 source (${list.slice(0, 80)}); KaTeX's layout changed.`,
      );
    const data = readFileSync(join(dir, woff2[1])).toString("base64");
    return `src:url(data:font/woff2;base64,${data}) format("woff2")`;
  });
  if (/url\((?!data:)/.test(out))
    throw new Error("offlineKatexCss: katex.min.css still references a file after inlining; KaTeX's layout changed.");
  cached = out;
  return out;
}
