import type { Server } from "node:http";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  closeServer,
  createPlaygroundServer,
  isLoopback,
  listen,
  loopbackHostNames,
  MAX_HEADER_BYTES,
  serverUrl,
  unsafePathReason,
} from "./server";

const PAGE = "<!doctype html><title>playground</title><p>the page</p>";
let server: Server;
let port: number;

beforeAll(async () => {
  server = createPlaygroundServer({ "/": PAGE, "/index.html": PAGE });
  port = await listen(server, 0, "127.0.0.1"); // port 0: never 7862, other test runs share the machine
});
afterAll(() => closeServer(server));

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  raw: string;
}

/** Sends bytes exactly as given (no client-side URL normalisation) and reads until the server closes. */
function raw(request: string | Buffer): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(`no complete answer within 5 s; got: ${Buffer.concat(chunks).toString("latin1").slice(0, 200)}`),
      );
    }, 5000);
    socket.on("data", (c) => chunks.push(c));
    socket.on("error", () => undefined); // a reset after the answer is fine; the answer is checked below
    socket.on("close", () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString("latin1");
      const [head, ...rest] = text.split("\r\n\r\n");
      const [statusLine, ...lines] = head.split("\r\n");
      const headers: Record<string, string> = {};
      for (const l of lines) {
        const i = l.indexOf(":");
        if (i > 0) headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
      }
      resolve({ status: Number(statusLine.split(" ")[1]), headers, body: rest.join("\r\n\r\n"), raw: text });
    });
    socket.write(request);
  });
}

const get = (target: string, method = "GET") =>
  raw(`${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);

describe("the playground server", () => {
  it("serves the page at / and /index.html with a no-network content policy", async () => {
    for (const path of ["/", "/index.html", "/?view=latent"]) {
      const r = await get(path);
      expect(r.status, path).toBe(200);
      expect(r.headers["content-type"]).toBe("text/html; charset=utf-8");
      expect(r.headers["content-security-policy"]).toContain("default-src 'none'");
      expect(r.headers["x-content-type-options"]).toBe("nosniff");
      expect(r.body).toBe(PAGE);
    }
  });

  it("answers HEAD with the headers and no body", async () => {
    const r = await get("/", "HEAD");
    expect(r.status).toBe(200);
    expect(r.headers["content-length"]).toBe(String(Buffer.byteLength(PAGE)));
    expect(r.body).toBe("");
  });

  it("answers 404 for paths it does not have, including absolute file paths", async () => {
    for (const path of [
      "/nope",
      "/etc/passwd",
      "/index.htm",
      "/favicon.ico",
      "/src/cli/start.ts",
      "/package.json",
      "/C:/Windows/win.ini",
    ]) {
      const r = await get(path);
      expect(r.status, path).toBe(404);
      expect(r.body).not.toContain("root:");
    }
  });

  it.each([
    ["dot-dot", "/../../../../etc/passwd"],
    ["dot-dot after a real path", "/index.html/../../etc/passwd"],
    ["a single dot segment", "/./index.html"],
    ["encoded dots", "/%2e%2e/%2e%2e/etc/passwd"],
    ["mixed-case encoded dots", "/%2E%2e%2f%2E%2E%2fetc%2fpasswd"],
    ["encoded slash between dots", "/..%2f..%2fetc%2fpasswd"],
    ["double-encoded dots", "/%252e%252e/%252e%252e/etc/passwd"],
    ["double-encoded slash", "/..%252f..%252fetc/passwd"],
    ["backslashes", "/..\\..\\etc\\passwd"],
    ["encoded backslashes", "/..%5c..%5cetc%5cpasswd"],
    ["an encoded NUL", "/index.html%00.txt"],
    ["a bad percent-escape", "/%zz"],
    ["an overlong UTF-8 dot", "/%c0%ae%c0%ae/etc/passwd"],
    ["an absolute-form URL", "http://127.0.0.1/../../etc/passwd"],
    ["a protocol-relative path", "//etc/passwd"],
    ["an asterisk", "*"],
  ])("refuses a path with %s (400), never a file", async (_what, target) => {
    const r = await get(target);
    expect(r.status, r.raw.slice(0, 120)).toBe(400);
    expect(r.body).not.toContain("root:");
    expect(r.body).not.toContain(PAGE);
  });

  it("refuses a raw NUL byte in the request line (400, from the parser)", async () => {
    const r = await raw(
      Buffer.concat([
        Buffer.from("GET /index.html"),
        Buffer.from([0]),
        Buffer.from(".txt HTTP/1.1\r\nHost: x\r\n\r\n"),
      ]),
    );
    expect(r.status).toBe(400);
  });

  it.each(["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND"])(
    "answers %s with 405 and Allow: GET, HEAD",
    async (method) => {
      const r = await get("/", method);
      expect(r.status).toBe(405);
      expect(r.headers.allow).toBe("GET, HEAD");
    },
  );

  it("answers a POST with a body with 405 and closes, without reading the body", async () => {
    const r = await raw(`POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000000\r\n\r\nabc`);
    expect(r.status).toBe(405);
    expect(r.headers.connection).toBe("close");
  });

  it("refuses one huge header with 431", async () => {
    const r = await raw(`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${"a".repeat(MAX_HEADER_BYTES + 1000)}\r\n\r\n`);
    expect(r.status).toBe(431);
  });

  it("refuses many headers that add up to too much with 431", async () => {
    const headers = Array.from({ length: 400 }, (_, i) => `X-H${i}: ${"b".repeat(60)}\r\n`).join("");
    const r = await raw(`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}\r\n`);
    expect(r.status).toBe(431);
  });

  it("refuses a huge request line (a 20 KB path) with 431", async () => {
    const r = await get(`/${"a".repeat(20_000)}`);
    expect(r.status).toBe(431);
  });

  it("refuses a request that is not HTTP with 400", async () => {
    const r = await raw("HELLO THERE\r\n\r\n");
    expect(r.status).toBe(400);
  });

  it("still serves the page after all of the above", async () => {
    expect((await get("/")).status).toBe(200);
  });

  it("says which --port to change when the port is taken", async () => {
    const other = createPlaygroundServer({ "/": PAGE });
    await expect(listen(other, port, "127.0.0.1")).rejects.toThrow(`port ${port} on 127.0.0.1 is already in use`);
    await expect(listen(other, port, "127.0.0.1")).rejects.toThrow("--port");
  });

  it("answers 503 with Retry-After while the page is not built yet, then serves it", async () => {
    let routes: Record<string, string> | undefined;
    const s = createPlaygroundServer(() => routes);
    const p = await listen(s, 0, "127.0.0.1");
    try {
      const early = await fetch(`http://127.0.0.1:${p}/`);
      expect(early.status).toBe(503);
      expect(early.headers.get("retry-after")).toBe("5");
      routes = { "/": PAGE };
      expect(await (await fetch(`http://127.0.0.1:${p}/`)).text()).toBe(PAGE);
    } finally {
      await closeServer(s);
    }
  });

  it("closes idle keep-alive connections when it shuts down", async () => {
    const s = createPlaygroundServer({ "/": PAGE });
    const p = await listen(s, 0, "127.0.0.1");
    const socket = connect(p, "127.0.0.1");
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    await new Promise<void>((resolve) =>
      socket.once("data", () => resolve()).write("GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
    ); // keep-alive
    await closeServer(s);
    await closed;
    expect(s.listening).toBe(false);
  });
});

describe("a loopback server's Host check", () => {
  it("answers requests addressed to loopback names, with any port, and refuses other hosts with 400", async () => {
    const s = createPlaygroundServer({ "/": PAGE }, { allowedHosts: loopbackHostNames("127.0.0.1") });
    const p = await listen(s, 0, "127.0.0.1");
    const ask = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const socket = connect(p, "127.0.0.1");
        let text = "";
        socket.on("data", (c) => void (text += c.toString()));
        socket.on("close", () => resolve(Number(text.split(" ")[1])));
        socket.on("error", reject);
        socket.write(`GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      });
    try {
      for (const host of [`127.0.0.1:${p}`, `localhost:${p}`, `LOCALHOST`, `[::1]:${p}`])
        expect(await ask(host), host).toBe(200);
      for (const host of ["evil.example", `evil.example:${p}`, "127.0.0.1.evil.example", ""])
        expect(await ask(host), host).toBe(400);
    } finally {
      await closeServer(s);
    }
  });
});

describe("unsafePathReason", () => {
  it("accepts plain paths, with a query", () => {
    expect(unsafePathReason("/")).toBeUndefined();
    expect(unsafePathReason("/index.html?x=%2e%2e")).toBeUndefined();
  });
  it("names what is wrong", () => {
    expect(unsafePathReason("/%2e%2e/x")).toBe('the path has a ".." segment');
    expect(unsafePathReason("/%252e%252e/x")).toBe("the path is encoded twice");
  });
});

describe("isLoopback and serverUrl", () => {
  it("knows loopback addresses", () => {
    for (const h of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"]) expect(isLoopback(h), h).toBe(true);
    for (const h of ["0.0.0.0", "::", "192.168.1.5", "example.com"]) expect(isLoopback(h), h).toBe(false);
  });
  it("prints an address people can open", () => {
    expect(serverUrl("127.0.0.1", 7862)).toBe("http://127.0.0.1:7862/");
    expect(serverUrl("::1", 8000)).toBe("http://[::1]:8000/");
    expect(serverUrl("0.0.0.0", 8000)).toBe("http://127.0.0.1:8000/");
  });
});
