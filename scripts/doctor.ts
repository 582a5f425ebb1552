/**
 * `npm run doctor`: what this machine has of what vae-lab can use, and the exact commands that
 * install the rest (Debian/Ubuntu and macOS). The lessons need only Node; every other part speeds
 * something up or lets a group of tests run (src/testing/systemParts.ts says which).
 * Exits 0 unless Node itself is unsupported; `--json` prints the findings as JSON.
 */
import { detectPart, PART_IDS, PARTS } from "../src/testing/systemParts";
import { nodeSupport } from "../src/testing/nodeSupport";
import { optionalBackends } from "./optionalBackends";

const json = process.argv.includes("--json");
const node = nodeSupport(process.versions.node);
const parts = PART_IDS.map((id) => detectPart(id));
const backends = optionalBackends();

if (json) {
  process.stdout.write(
    JSON.stringify(
      { node: { version: process.versions.node, execPath: process.execPath, ...node }, parts, backends },
      null,
      1,
    ) + "\n",
  );
} else {
  const mark = (ok: boolean) => (ok ? "✓" : "✗");
  const out: string[] = [
    `vae-lab doctor`,
    "",
    `${mark(node.supported)} Node ${process.versions.node} (${process.execPath}): ${node.message}`,
    "",
  ];
  out.push("System parts (optional: the lessons need none of them):");
  for (const s of parts)
    out.push(
      `  ${mark(s.present)} ${PARTS[s.id].name}: ${s.present ? s.detail : `missing (${s.detail})`}`,
      `      for ${PARTS[s.id].usedBy}`,
    );
  out.push("", "Optional native TensorFlow backends (never installed by npm install):");
  for (const b of backends)
    out.push(
      `  ${mark(b.installed)} ${b.pkg}: ${b.installed ? "installed" : `not installed; enable with: ${b.enable}`}`,
    );
  const missing = parts.filter((s) => !s.present);
  if (missing.length) {
    out.push("", "To install what is missing:");
    out.push("  Debian/Ubuntu:", ...missing.map((s) => `    ${PARTS[s.id].install.debian}`));
    out.push("  macOS (Homebrew):", ...missing.map((s) => `    ${PARTS[s.id].install.macos}`));
    out.push(
      "",
      "npm test skips the test files that need a missing part and lists them at the end (CI=true fails them instead).",
    );
  } else {
    out.push("", "Everything is present: npm test runs every test.");
  }
  process.stdout.write(out.join("\n") + "\n");
}
process.exit(node.supported ? 0 : 1);
