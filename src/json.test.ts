import { describe, expect, it } from "vitest";
import { isRecord, stableStringify } from "./json";

describe("JSON-like values", () => {
  it("tells plain objects from null, arrays and scalars", () => {
    expect([{}, { a: 1 }].every(isRecord)).toBe(true);
    expect([null, [], "x", 1, undefined].some(isRecord)).toBe(false);
  });

  it("stringifies with sorted keys and without undefined properties", () => {
    expect(stableStringify({ b: 1, a: [2, { d: undefined, c: 3 }] })).toBe('{"a":[2,{"c":3}],"b":1}');
    expect(stableStringify({ x: 1, y: 2 })).toBe(stableStringify({ y: 2, x: 1 }));
  });
});
