import { describe, expect, it } from "vitest";
import { ProgressBar } from "./progressBar";

function fakeStream(isTTY: boolean) {
  const out: string[] = [];
  return { out, stream: { isTTY, write: (s: string) => void out.push(s) } };
}

describe("ProgressBar", () => {
  it("shows percentage, count, rate and ETA", () => {
    let t = 0;
    const { stream } = fakeStream(true);
    const bar = new ProgressBar({ label: "training", total: 10, unit: "epoch", stream, now: () => t });
    t = 2000;
    bar.update(4, "loss 163.2");
    expect(bar.render()).toBe("training [████████░░░░░░░░░░░░]  40%  4/10 epochs  2.00 epoch/s  ETA 3.0s  loss 163.2");
  });

  it("redraws one line on a terminal and ends with a newline", () => {
    let t = 0;
    const { out, stream } = fakeStream(true);
    const bar = new ProgressBar({ label: "x", total: 2, unit: "step", stream, now: () => (t += 100) });
    bar.update(1);
    bar.update(2);
    bar.finish();
    expect(out[0].startsWith("\r")).toBe(true);
    expect(out.at(-1)!.endsWith("\n")).toBe(true);
    expect(out.at(-1)).toContain("100%");
  });

  it("does not claim 100% when finished early (training stopped)", () => {
    const { stream } = fakeStream(true);
    const bar = new ProgressBar({ label: "x", total: 4, unit: "step", stream, now: () => 1 });
    bar.update(1);
    bar.finish("stopped");
    expect(bar.render()).toContain(" 25%");
    expect(bar.render()).toContain("stopped");
  });

  it("prints plain lines at most every few seconds when not on a terminal", () => {
    let t = 0;
    const { out, stream } = fakeStream(false);
    const bar = new ProgressBar({ label: "x", total: 100, unit: "step", stream, now: () => t, plainEveryMs: 1000 });
    for (let i = 1; i <= 99; i++) {
      t = i * 50; // 50 ms per step: 4.95 s in all
      bar.update(i);
    }
    bar.finish();
    expect(out.length).toBeLessThanOrEqual(7);
    expect(out.every((l) => !l.includes("\r"))).toBe(true);
  });

  it("does not repeat the final line in plain logs", () => {
    let t = 0;
    const { out, stream } = fakeStream(false);
    const bar = new ProgressBar({ label: "x", total: 3, unit: "epoch", stream, now: () => (t += 10) });
    for (let e = 1; e <= 3; e++) bar.update(e, `loss ${e}`);
    bar.finish();
    expect(out.filter((l) => l.includes("3/3"))).toHaveLength(1);
  });
});
