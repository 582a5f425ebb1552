/** Escaping student-controlled text for HTML and Markdown reports. */
import { describe, expect, it } from "vitest";
import { esc, mdText } from "./escape";

describe("mdText", () => {
  it("leaves no link, image, emphasis, code, table cell or HTML in student text", () => {
    expect(
      mdText("[x](javascript:alert(1)) ![i](http://t.co/p.png) <img src=x> *a* `c` | d ~e~ $m$ f@g.h www.x.org"),
    ).toBe(
      "\\[x\\](javascript:alert(1)) !\\[i\\](http\\://t.co/p.png) &lt;img src=x&gt; \\*a\\* \\`c\\` \\| d \\~e\\~ \\$m\\$ f\\@g.h www\\.x.org",
    );
  });

  it("escapes underscores that could open emphasis, not those inside a word", () => {
    expect(mdText("smithjane_12345 _cmd_ a__b")).toBe("smithjane_12345 \\_cmd\\_ a\\_\\_b");
  });

  it("keeps text on one line", () => {
    expect(mdText("a\n# heading\r\n- item")).toBe("a # heading - item");
  });
});

describe("esc", () => {
  it("escapes HTML text and attribute values", () => {
    expect(esc(`<a href="x" onclick='y'>&</a>`)).toBe(
      "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
    );
  });
});
