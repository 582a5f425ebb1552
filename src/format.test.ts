import { describe, expect, it } from "vitest";
import { formatDuration } from "./format";

describe("formatDuration", () => {
  it("formats durations for people", () => {
    expect([formatDuration(3.21), formatDuration(42), formatDuration(125), formatDuration(7300)]).toEqual([
      "3.2s",
      "42s",
      "2m05s",
      "2h01m",
    ]);
    expect(formatDuration(NaN)).toBe("?");
  });
});
