import { describe, expect, it } from "vitest";
import { formatOptions, invokedDirectly, parseArgs, UsageError } from "./args";

const spec = {
  epochs: { type: "number", integer: true, min: 1, default: 30, help: "passes over the data" },
  lr: { type: "number", min: 0, help: "learning rate" },
  model: { type: "string", choices: ["mlp", "conv"], default: "mlp", help: "architecture" },
  retrain: { type: "boolean", help: "ignore the saved checkpoint" },
} as const;

describe("parseArgs", () => {
  it("reads values, switches, defaults and positionals", () => {
    const a = parseArgs(["--epochs", "5", "--lr=0.01", "--retrain", "a.ipynb"], spec);
    expect(a).toEqual({ epochs: 5, lr: 0.01, model: "mlp", retrain: true, _: ["a.ipynb"] });
  });

  it("names the flag in every error", () => {
    expect(() => parseArgs(["--epoch", "5"], spec)).toThrow(/unknown option --epoch/);
    expect(() => parseArgs(["--epochs"], spec)).toThrow(/--epochs needs a value/);
    expect(() => parseArgs(["--epochs", "2.5"], spec)).toThrow(/--epochs must be a whole number/);
    expect(() => parseArgs(["--epochs", "0"], spec)).toThrow(/--epochs must be at least 1/);
    expect(() => parseArgs(["--lr", "fast"], spec)).toThrow(/--lr must be a number, got "fast"/);
    expect(() => parseArgs(["--model", "gan"], spec)).toThrow(/--model must be one of mlp, conv/);
    expect(() => parseArgs(["--epochs", "x"], spec)).toThrow(UsageError);
  });

  it("lists every option with its default in the help text", () => {
    const help = formatOptions(spec);
    expect(help).toContain("--epochs <n>");
    expect(help).toContain("(default 30)");
    expect(help).toContain("[mlp|conv]");
  });
});

describe("invokedDirectly", () => {
  it("is true only for the script Node was started with, with or without its extension", () => {
    const argv1 = process.argv[1];
    try {
      expect(invokedDirectly("file:///p/grading/cli.ts")).toBe(false);
      process.argv[1] = "/p/grading/cli.ts";
      expect(invokedDirectly("file:///p/grading/cli.ts")).toBe(true);
      process.argv[1] = "/p/grading/cli";
      expect(invokedDirectly("file:///p/grading/cli.ts")).toBe(true);
      expect(invokedDirectly("file:///p/grading/collect.ts")).toBe(false);
    } finally {
      process.argv[1] = argv1;
    }
  });
});
