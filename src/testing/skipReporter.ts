/**
 * Ends `npm test` with what was skipped because this machine lacks a system part: one line per test
 * file, naming the part and the command that installs it (src/testing/systemParts.ts). Silent when
 * nothing was skipped.
 */
import { relative } from "node:path";
import type { Reporter, TestModule } from "vitest/node";
import { describeMissing, isCi } from "./systemParts";

export default class SkipReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const skipped = modules
      .map((m) => ({ file: relative(process.cwd(), m.moduleId), missing: m.meta().missingParts }))
      .filter((s) => s.missing && s.missing.length > 0)
      .sort((a, b) => a.file.localeCompare(b.file));
    if (skipped.length === 0) return;
    const lines = [
      "",
      skipped.length === 1
        ? "Skipped 1 test file that needs a system part this machine lacks:"
        : `Skipped ${skipped.length} test files that need system parts this machine lacks:`,
      ...skipped.map((s) => `  ${s.file}: needs ${describeMissing(s.missing!)}`),
      "Run `npm run doctor` to see what is present and how to install the rest." +
        (isCi() ? "" : " (Under CI=true these fail instead.)"),
      "",
    ];
    process.stdout.write(lines.join("\n") + "\n");
  }
}
