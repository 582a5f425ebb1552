"""Notebook latency through a real Jupyter kernel, for bench/notebookLatency.ts.

Usage: notebook_latency.py KERNEL_NAME CWD CELLS.json
CELLS.json: {"setup": "<code or empty>", "trivial": ["1 + 1", ...], "timeout": seconds, "idle_first": bool}
With idle_first, the setup cell waits until the kernel is idle (its CPU time stopped growing: the
warm-up done), as when a learner reads before running the first cell.
Starts the kernel (found through JUPYTER_PATH) in CWD as Jupyter does, times until it answers
kernel_info (start-up), then the setup cell (e.g. a lesson's imports), then each trivial cell, each
from execute_request to the kernel going idle. Prints one JSON line:
{"startup": s, "setup": s | null, "cells": [s, ...], "cpu": {...} | null, "errors": [...]}
where "cpu" has the kernel process's CPU seconds (Linux /proc) at start-up, for the setup cell and
for all trivial cells together: the figures other processes on a shared machine disturb least.
"""
import os
import json
import sys
import time

from jupyter_client.manager import KernelManager


def cpu_seconds(pid):
    """User + system CPU time of process `pid` (None where /proc is missing)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def main():
    name, cwd, cells_file = sys.argv[1:4]
    with open(cells_file) as f:
        cells = json.load(f)
    timeout = cells.get("timeout", 120)
    km = KernelManager(kernel_name=name)
    t0 = time.perf_counter()
    km.start_kernel(cwd=cwd)
    kc = km.client()
    kc.start_channels()
    errors = []
    out = {"startup": None, "setup": None, "cells": [], "cpu": None, "errors": errors}
    pid = getattr(getattr(km, "provisioner", None), "pid", None)
    try:
        kc.wait_for_ready(timeout=timeout)  # sends kernel_info until the kernel answers
        out["startup"] = time.perf_counter() - t0
        cpu = [cpu_seconds(pid) if pid else None]
        if cells.get("idle_first") and pid:
            last, quiet, waited = cpu[0], 0.0, 0.0
            while quiet < 0.6 and waited < timeout:
                time.sleep(0.2)
                waited += 0.2
                now = cpu_seconds(pid)
                quiet = quiet + 0.2 if now == last else 0.0
                last = now
            cpu[0] = last

        def run(code):
            t = time.perf_counter()
            reply = kc.execute_interactive(code, timeout=timeout, output_hook=lambda msg: None)
            seconds = time.perf_counter() - t
            if reply["content"].get("status") != "ok":
                errors.append({"code": code[:200], "status": reply["content"].get("status")})
                time.sleep(0.5)  # tslab aborts requests arriving within ~200 ms of an error
            return seconds

        if cells.get("setup"):
            out["setup"] = run(cells["setup"])
        cpu.append(cpu_seconds(pid) if pid else None)
        for code in cells["trivial"]:
            out["cells"].append(run(code))
        cpu.append(cpu_seconds(pid) if pid else None)
        if None not in cpu:
            out["cpu"] = {"startup": cpu[0], "setup": cpu[1] - cpu[0], "trivial": cpu[2] - cpu[1]}
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
