/**
 * The playground's HTTP server: it serves its own pages, built in memory, and nothing else — there
 * is no folder behind it, so no request can reach a file. Everything else gets a short, proper answer:
 *
 *   400  a path that is not a plain origin-form path (absolute-form URL, `..` segments, encoded or
 *        double-encoded dots, backslashes, NUL bytes, bad percent-escapes), a malformed request, or
 *        (when `allowedHosts` is given) a Host header naming another host: a page elsewhere that
 *        rebinds its DNS name to 127.0.0.1 cannot read the playground through the visitor's browser
 *   404  any other path
 *   405  a method other than GET or HEAD (with `Allow: GET, HEAD`)
 *   503  the page is not built yet (the server listens before training, so a taken port fails fast)
 *   431  request headers larger than `maxHeaderSize` (16 KiB), answered by the parser's error hook
 *
 * Pages carry a Content-Security-Policy that allows inline scripts and styles and data: fonts and
 * images only: the playground works with no network, and the browser enforces it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";

/** The policy every page is served with (the exported file carries the same one in a <meta> tag). */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:; base-uri 'none'; form-action 'none'";

export const MAX_HEADER_BYTES = 16 * 1024;
const ALLOW = "GET, HEAD";

export interface PlaygroundRoutes {
  /** Exact paths ("/", "/index.html") → the HTML served there. */
  [path: string]: string;
}

/**
 * Why a request target is refused before any lookup, or undefined when it is a plain path.
 *
 * @example
 * unsafePathReason("/%2e%2e/etc/passwd"); //=> 'the path has a ".." segment'
 * unsafePathReason("/index.html");        //=> undefined
 */
export function unsafePathReason(target: string): string | undefined {
  if (!target.startsWith("/") || target.startsWith("//"))
    return "only origin-form paths such as /index.html are served";
  const path = target.split(/[?#]/, 1)[0];
  if (/[\\\0]/.test(path)) return "the path has a backslash or a NUL byte";
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return "the path has a malformed percent-escape";
  }
  if (/[\\\0]/.test(decoded)) return "the path has an encoded backslash or NUL byte";
  if (decoded.split("/").some((seg) => seg === ".." || seg === ".")) return 'the path has a ".." segment';
  if (/%[0-9a-f]{2}/i.test(decoded)) return "the path is encoded twice";
  return undefined;
}

function answer(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  const body = `${status} ${text}\n`;
  res.writeHead(status, {
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": String(Buffer.byteLength(body)),
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    ...headers,
  });
  res.end(res.req.method === "HEAD" ? undefined : body);
}

/** The host name of a Host header, lower-case, without the port ("[::1]:80" → "[::1]"). */
function hostName(header: string): string {
  const h = header.trim().toLowerCase();
  return h.startsWith("[") ? h.slice(0, h.indexOf("]") + 1) : h.replace(/:\d*$/, "");
}

function handle(
  site: () => PlaygroundRoutes | undefined,
  allowedHosts: Set<string> | undefined,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  // A request body is never read: ask the client to close rather than leave it in the stream.
  const hasBody = req.headers["content-length"] !== undefined || req.headers["transfer-encoding"] !== undefined;
  const extra: Record<string, string> = hasBody ? { Connection: "close" } : {};
  const target = req.url ?? "";
  const reason = unsafePathReason(target);
  if (reason) return answer(res, 400, `Bad Request: ${reason}.`, extra);
  if (allowedHosts && !allowedHosts.has(hostName(req.headers.host ?? ""))) {
    return answer(
      res,
      400,
      `Bad Request: Host ${JSON.stringify(req.headers.host ?? "")} is not this server. Open ${[...allowedHosts][0]} instead.`,
      extra,
    );
  }
  const path = target.split(/[?#]/, 1)[0];
  const routes = site();
  if (routes === undefined)
    return answer(res, 503, "Service Unavailable: the model is still training; reload in a moment.", {
      "Retry-After": "5",
      ...extra,
    });
  const page = Object.hasOwn(routes, path) ? routes[path] : undefined;
  if (page === undefined) return answer(res, 404, `Not Found. The playground is at /.`, extra);
  if (req.method !== "GET" && req.method !== "HEAD")
    return answer(res, 405, `Method Not Allowed: ${req.method} (use ${ALLOW}).`, { Allow: ALLOW, ...extra });
  const body = Buffer.from(page, "utf8");
  res.writeHead(200, {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Length": String(body.length),
    "Content-Security-Policy": `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
  });
  res.end(req.method === "HEAD" ? undefined : body);
}

/** Answers what the HTTP parser rejects before a request exists: 431 for oversized headers, else 400. */
function onClientError(err: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) return void socket.destroy();
  const [status, text] =
    err.code === "HPE_HEADER_OVERFLOW"
      ? [431, "Request Header Fields Too Large"]
      : err.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? [408, "Request Timeout"]
        : [400, "Bad Request"];
  const body = `${status} ${text}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * An HTTP server for `routes`, not yet listening (call `listen`). Pass a function to serve pages that
 * are built later: while it returns undefined, requests get 503. Slow clients are cut off: headers
 * must arrive within 10 s and a request within 30 s.
 *
 * `allowedHosts`: the host names the Host header may carry (for a loopback server,
 * `loopbackHostNames(host)`); omitted, any Host is answered.
 *
 * @example
 * const server = createPlaygroundServer({ "/": html, "/index.html": html }, { allowedHosts: loopbackHostNames("127.0.0.1") });
 * await listen(server, 7862, "127.0.0.1");
 */
export function createPlaygroundServer(
  routes: PlaygroundRoutes | (() => PlaygroundRoutes | undefined),
  options: { allowedHosts?: string[] } = {},
): Server {
  const site = typeof routes === "function" ? routes : () => routes;
  const allowed = options.allowedHosts ? new Set(options.allowedHosts.map(hostName)) : undefined;
  const server = createServer(
    { maxHeaderSize: MAX_HEADER_BYTES, requestTimeout: 30_000, headersTimeout: 10_000 },
    (req, res) => handle(site, allowed, req, res),
  );
  server.on("clientError", onClientError);
  return server;
}

/** Whether `host` names this machine only (127.0.0.0/8, ::1, localhost). */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h) || h === "::ffff:127.0.0.1";
}

/** Host names a loopback server answers to: the address it listens on and the usual loopback names. */
export function loopbackHostNames(host: string): string[] {
  const h = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  return [...new Set([h, "127.0.0.1", "localhost", "[::1]"])];
}

/** The URL people type for a server listening on host:port (IPv6 in brackets; 0.0.0.0 shown as 127.0.0.1). */
export function serverUrl(host: string, port: number): string {
  const shown = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  return `http://${shown.includes(":") ? `[${shown}]` : shown}:${port}/`;
}

/**
 * Starts listening; resolves with the port (useful with port 0), rejects with a clear error when the
 * port is taken or not allowed, naming --port.
 */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off("listening", onListening);
      if (err.code === "EADDRINUSE")
        reject(
          new Error(
            `port ${port} on ${host} is already in use (is another npm start running?). Stop it, or choose another port with --port <n> (--port 0 picks a free one).`,
          ),
        );
      else if (err.code === "EACCES")
        reject(
          new Error(`port ${port} on ${host} is not allowed for this user. Choose a port above 1023 with --port <n>.`),
        );
      else if (err.code === "EADDRNOTAVAIL" || err.code === "ENOTFOUND")
        reject(
          new Error(
            `cannot listen on --host ${host}: no such address on this machine (${err.code}). The default is 127.0.0.1.`,
          ),
        );
      else reject(err);
    };
    const onListening = () => {
      server.off("error", onError);
      resolve((server.address() as { port: number }).port);
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
}

/** Stops accepting connections, closes the open ones (keep-alive included) and resolves when done. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
