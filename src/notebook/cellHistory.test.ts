import { afterEach, describe, expect, it } from "vitest";
import { recordCellRuns, setCellRunsForTesting, staleDefinition } from "./cellHistory";

afterEach(() => setCellRunsForTesting([]));

describe("which cells ran", () => {
  it("records nothing outside a tslab kernel", () => {
    expect(recordCellRuns()).toBe(false);
    expect(staleDefinition("elbo")).toBeUndefined();
  });

  it("says a function is stale when the last cell defining it failed, and not when it ran", () => {
    const good = { code: "function elbo(x: tf.Tensor2D) {\n  return 1;\n}", ok: true };
    const broken = { code: "function elbo(x: tf.Tensor2D) {\n  return 1 +;\n}", ok: false };
    const other = { code: 'check("elbo", elbo);', ok: true };
    setCellRunsForTesting([good, other, broken, other]);
    expect(staleDefinition("elbo")).toMatch(/cell that defines elbo did not run[\s\S]*version from before that edit/);
    setCellRunsForTesting([broken, good, other]);
    expect(staleDefinition("elbo")).toBeUndefined();
    setCellRunsForTesting([{ code: "const slerp = (a: number[]) => a;", ok: false }]);
    expect(staleDefinition("slerp")).toMatch(/slerp did not run/);
    expect(staleDefinition("slerpy")).toBeUndefined(); // a longer name is another function
  });
});
