// The accessibility checks themselves, on small pages with known defects: each check must find them.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../scripts/browser";
import { controlsOffKeyboard, figuresWithoutText, seriousAxeViolations } from "./axe";
import { skipWithout } from "./guard";

skipWithout(import.meta.url, "chromium");

describe("the accessibility checks", () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage();
  });
  afterAll(() => browser?.close());
  const open = (body: string) =>
    page.setContent(
      `<!doctype html><html lang="en"><meta charset="utf-8"><title>t</title><body><main>${body}</main></body></html>`,
    );

  it("axe-core reports an unlabelled select and an image without alt, and nothing on a clean page", async () => {
    await open(`<select><option>a</option></select><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">`);
    expect((await seriousAxeViolations(page)).map((v) => v.id).sort()).toEqual(["image-alt", "select-name"]);
    await open(
      `<label>pick <select><option>a</option></select></label><img alt="a dot" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">`,
    );
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it("finds figures without a text alternative, and accepts a labelled figure around them", async () => {
    await open(
      `<canvas width="10" height="10"></canvas><div role="img" aria-label="a chart"><svg width="10" height="10"></svg></div><svg width="10" height="10"><title>dots</title></svg>`,
    );
    expect(await figuresWithoutText(page)).toEqual(["canvas in ?"]);
  });

  it("finds a clickable element Tab cannot reach", async () => {
    await open(
      `<div data-action="go">go</div><button type="button">ok</button><div role="tablist"><button role="tab" aria-selected="true">a</button><button role="tab" aria-selected="false" tabindex="-1">b</button></div>`,
    );
    expect(await controlsOffKeyboard(page)).toEqual(['<div data-action="go">go</div>']);
  });
});
