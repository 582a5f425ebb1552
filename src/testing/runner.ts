/**
 * Vitest's own runner plus one step: a test file whose guard (src/testing/guard.ts) found a system
 * part missing is skipped as a whole before it runs, and carries the missing parts in its task meta
 * for the summary at the end of the run (src/testing/skipReporter.ts).
 */
import type { File, Task } from "@vitest/runner";
import { VitestTestRunner } from "vitest/runners";
import { skipRegistry } from "./guard";
import type { PartStatus } from "./systemParts";

declare module "@vitest/runner" {
  interface TaskMeta {
    /** Set on a file skipped because these system parts are missing. */
    missingParts?: PartStatus[];
  }
}

function skipAll(task: Task): void {
  task.mode = "skip";
  if ("tasks" in task) task.tasks.forEach(skipAll);
}

export default class SystemPartsRunner extends VitestTestRunner {
  onCollected(files: File[]): void {
    for (const file of files) {
      const missing = skipRegistry().get(file.filepath);
      if (!missing || file.result?.state === "fail") continue;
      file.meta.missingParts = missing;
      skipAll(file);
    }
  }
}
