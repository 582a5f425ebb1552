import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
// @ts-expect-error: a plain .mjs module (the kernel's entry loads it without a build step)
import { deferConverterWarmUp } from "./kernelWarmUp.mjs";

// tslab's converter module and ZmqServer, reduced to what the warm-up touches.
function fakeTslab() {
  const made: { calls: string[] }[] = [];
  const converterModule = {
    createConverter: () => {
      const c = {
        calls: [] as string[],
        convert: (_prev: string, src: string) => void c.calls.push(src),
        inspect: () => undefined,
        complete: () => undefined,
        addModule: () => undefined,
        close: () => undefined,
      };
      made.push(c);
      return c;
    },
  };
  const replies: string[] = [];
  class ZmqServer {
    handleKernelInfo() {
      replies.push("kernel_info_reply");
    }
  }
  return { converterModule, ZmqServer, made, replies };
}

describe("the vae-lab kernel's warm-up", () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it("answers kernel_info before building the compiler, and builds it once the requests stop", () => {
    const t = fakeTslab();
    deferConverterWarmUp(t.converterModule, t.ZmqServer, { quietMs: 500, fallbackMs: 3000 });
    t.converterModule.createConverter(); // tslab's startKernel asks for it before opening its sockets
    expect(t.made).toHaveLength(0);
    new t.ZmqServer().handleKernelInfo();
    vi.advanceTimersByTime(400);
    new t.ZmqServer().handleKernelInfo(); // a client repeating kernel_info until it hears iopub
    vi.advanceTimersByTime(400);
    expect(t.replies).toEqual(["kernel_info_reply", "kernel_info_reply"]);
    expect(t.made).toHaveLength(0);
    vi.advanceTimersByTime(100);
    expect(t.made).toHaveLength(1);
    expect(t.made[0].calls).toEqual(['import type {} from "vae-lab";']);
  });

  it("builds the compiler at the first cell if it comes first, and then warms nothing more", () => {
    const t = fakeTslab();
    deferConverterWarmUp(t.converterModule, t.ZmqServer, { quietMs: 500, fallbackMs: 3000 });
    const converter = t.converterModule.createConverter();
    converter.convert("", "1 + 1");
    vi.advanceTimersByTime(5000);
    expect(t.made).toHaveLength(1);
    expect(t.made[0].calls).toEqual(["1 + 1"]);
  });

  it("warms after fallbackMs when no kernel_info comes", () => {
    const t = fakeTslab();
    deferConverterWarmUp(t.converterModule, t.ZmqServer, { quietMs: 500, fallbackMs: 3000 });
    t.converterModule.createConverter();
    vi.advanceTimersByTime(2999);
    expect(t.made).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(t.made).toHaveLength(1);
  });
});
