"""A student at a vae-lab hub, from the outside: what the hub test (scripts/hub.test.ts) and the
timing in docs/course-setup.md use. Logs in through the hub's login form, starts the student's
server through the hub's REST API, and talks to that server only through the hub's proxy: the
contents API (read or write a notebook) and a kernel's websocket (run code on the vae-lab kernel).
Python because Node 20 has no WebSocket client; requests and tornado come with Debian's JupyterHub.

    client.py <hub url> <user> <password> run <notebook path> <cell index,...> <extra code file>
    client.py <hub url> <user> <password> get <notebook path>
    client.py <hub url> <user> <password> put <notebook path> <local file>

VAE_LAB_KEEP_KERNEL=1 leaves the kernel running after "run" (bench/hub.ts measures its memory).
Prints one JSON object: {"ok": ..., "seconds": {...}, ...}; exits 1 with {"ok": false, "error": ...}.
"""
import asyncio
import json
import os
import sys
import time
import uuid

import requests
from tornado import httpclient, ioloop, websocket

T0 = time.monotonic()
seconds = {}


def mark(name):
    seconds[name] = round(time.monotonic() - T0, 2)


def login(hub, user, password):
    s = requests.Session()
    r = s.post(hub + "hub/login", data={"username": user, "password": password}, allow_redirects=False, timeout=30)
    if r.status_code != 302 or "jupyterhub-session-id" not in s.cookies and not any(c.name.startswith("jupyterhub-hub-login") for c in s.cookies):
        raise RuntimeError("login as %s failed: HTTP %d %s" % (user, r.status_code, r.text[:200]))
    mark("logged_in")
    return s


def start_server(s, hub, user):
    api = hub + "hub/api/users/" + user
    headers = {"Referer": hub + "hub/home"}
    r = s.post(api + "/server", headers=headers, timeout=30)
    if r.status_code not in (201, 202, 400):  # 400: already running
        raise RuntimeError("starting %s's server failed: HTTP %d %s" % (user, r.status_code, r.text[:300]))
    until = time.monotonic() + 180
    while time.monotonic() < until:
        info = s.get(api, headers=headers, timeout=30).json()
        server = info.get("servers", {}).get("", {})
        if server.get("ready"):
            mark("server_ready")
            return
        time.sleep(0.5)
    raise RuntimeError("%s's server did not become ready in 180 s" % user)


def server_session(s, hub, user):
    """Follows the single-user server's OAuth hand-shake with the hub; returns its XSRF header."""
    r = s.get(hub + "user/%s/tree" % user, timeout=60)
    if r.status_code != 200:
        raise RuntimeError("opening %s's server through the hub failed: HTTP %d" % (user, r.status_code))
    xsrf = s.cookies.get("_xsrf", path="/user/%s/" % user) or s.cookies.get("_xsrf")
    return {"X-XSRFToken": xsrf or "", "Referer": hub + "user/%s/tree" % user}


def contents(s, hub, user, nb_path, headers, body=None):
    url = hub + "user/%s/api/contents/%s" % (user, nb_path)
    r = s.put(url, json=body, headers=headers, timeout=60) if body else s.get(url, headers=headers, timeout=60)
    if r.status_code not in (200, 201):
        raise RuntimeError("contents API %s %s: HTTP %d %s" % ("PUT" if body else "GET", nb_path, r.status_code, r.text[:300]))
    return r.json()


def run_cells(s, hub, user, headers, codes):
    r = s.post(hub + "user/%s/api/kernels" % user, json={"name": "vae-lab"}, headers=headers, timeout=60)
    if r.status_code != 201:
        raise RuntimeError("starting the vae-lab kernel failed: HTTP %d %s" % (r.status_code, r.text[:300]))
    kernel = r.json()["id"]
    mark("kernel_started")
    ws_url = hub.replace("http", "ws", 1) + "user/%s/api/kernels/%s/channels" % (user, kernel)
    cookie = "; ".join("%s=%s" % (c.name, c.value) for c in s.cookies)
    results = []

    async def go():
        req = httpclient.HTTPRequest(ws_url, headers={"Cookie": cookie, "X-XSRFToken": headers["X-XSRFToken"]}, request_timeout=60)
        conn = await websocket.websocket_connect(req)
        for i, code in enumerate(codes):
            msg_id = uuid.uuid4().hex
            request = json.dumps({
                "header": {"msg_id": msg_id, "username": user, "session": uuid.uuid4().hex, "msg_type": "execute_request", "version": "5.3"},
                "parent_header": {}, "metadata": {}, "channel": "shell",
                "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
            })
            for attempt in range(3):
                try:
                    await conn.write_message(request)
                    break
                except websocket.WebSocketClosedError:
                    if attempt == 2:
                        raise RuntimeError("the server closed the kernel's websocket three times before a request could be sent")
                    await asyncio.sleep(2)  # nothing was sent: connect again
                    conn = await websocket.websocket_connect(req)
            out, status, idle = [], None, False
            deadline = time.monotonic() + 240
            while not (idle and status) and time.monotonic() < deadline:
                raw = await conn.read_message()
                if raw is None:
                    raise RuntimeError("the kernel's websocket closed (%s %s)" % (conn.close_code, conn.close_reason))
                m = json.loads(raw)
                if m.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                t = m["header"]["msg_type"]
                if t == "stream":
                    out.append(m["content"]["text"])
                elif t in ("execute_result", "display_data"):
                    out.append(m["content"]["data"].get("text/plain", ""))
                elif t == "error":
                    out.append("ERROR " + m["content"].get("ename", "") + " " + m["content"].get("evalue", "") + "\n".join(m["content"].get("traceback", [])))
                elif t == "execute_reply":
                    status = m["content"]["status"]
                elif t == "status" and m["content"]["execution_state"] == "idle":
                    idle = True
            results.append({"status": status or "timeout", "output": "".join(out)})
            mark("cell_%d_done" % i)
            if status != "ok":
                break
        conn.close()

    ioloop.IOLoop.current().run_sync(go)
    if os.environ.get("VAE_LAB_KEEP_KERNEL") == "1":
        return results
    s.delete(hub + "user/%s/api/kernels/%s" % (user, kernel), headers=headers, timeout=30)
    return results


def main(argv):
    hub, user, password, op = argv[1:5]
    hub = hub.rstrip("/") + "/"
    s = login(hub, user, password)
    start_server(s, hub, user)
    headers = server_session(s, hub, user)
    if op == "get":
        return {"ok": True, "notebook": contents(s, hub, user, argv[5], headers)["content"]}
    if op == "put":
        with open(argv[6], encoding="utf-8") as f:
            nb = json.load(f)
        contents(s, hub, user, argv[5], headers, {"type": "notebook", "format": "json", "content": nb})
        return {"ok": True}
    if op == "run":
        nb = contents(s, hub, user, argv[5], headers)["content"]
        codes = ["".join(nb["cells"][int(i)]["source"]) for i in argv[6].split(",") if i]
        with open(argv[7], encoding="utf-8") as f:
            codes.append(f.read())
        cells = run_cells(s, hub, user, headers, codes)
        return {"ok": all(c["status"] == "ok" for c in cells), "cells": cells}
    raise RuntimeError("unknown operation " + op)


if __name__ == "__main__":
    try:
        result = main(sys.argv)
        result["seconds"] = seconds
        print(json.dumps(result))
        sys.exit(0 if result["ok"] else 1)
    except Exception as e:  # the test shows the message
        print(json.dumps({"ok": False, "error": "%s: %s" % (type(e).__name__, e), "seconds": seconds}))
        sys.exit(1)
