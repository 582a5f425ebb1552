import { describe, expect, it } from "vitest";
import { csv, csvField } from "./csv";

describe("the CSV writer", () => {
  it("quotes, guards formulas, rounds numbers to 3 decimals unless told to keep them", () => {
    expect(
      csv([
        ["a, b", '"q"', "=SUM(A1)"],
        [1.23456, -2, null],
      ]),
    ).toBe('"a, b","""q""",\'=SUM(A1)\r\n1.235,-2,\r\n');
    expect(csvField(1 / 3, { decimals: null })).toBe(String(1 / 3));
    expect(csvField(NaN)).toBe("");
  });
});
