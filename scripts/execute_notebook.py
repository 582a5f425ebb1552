"""Executes one notebook through a real Jupyter kernel (nbclient), for `npm run notebooks:execute`.

Usage: execute_notebook.py IN.ipynb OUT.ipynb [--kernel NAME] [--cwd DIR] [--allow-errors] [--timeout SECONDS] [--rerun N,M]
Prints one JSON line per event on stdout ({"event": "cell", ...}, {"event": "done", ...}), saves the
executed notebook to OUT (also when a cell fails) and signs it as trusted. --rerun runs the given code
cells (1-based, counting code cells only) once more at the end, in the same kernel, as a learner who
re-runs a cell does: their outputs are replaced by the second run's.

tslab quirks (docs/design.md §2): errors come without ename/evalue/traceback (the text is on stderr), and
after an error tslab aborts requests arriving within ~200 ms, so we pause before the next cell.
"""
import json
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError


def emit(**kw):
    print(json.dumps(kw), flush=True)


def error_text(cell):
    parts = []
    for o in cell.get("outputs", []):
        if o.get("output_type") == "error":
            parts.append(f"{o.get('ename', '')}: {o.get('evalue', '')}".strip(": "))
            parts.extend(o.get("traceback", []) or [])
        elif o.get("output_type") == "stream" and o.get("name") == "stderr":
            parts.append(o.get("text", ""))
    return "\n".join(p for p in parts if p).strip()


def option(name, default):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def main():
    src, dst = sys.argv[1], sys.argv[2]
    allow_errors = "--allow-errors" in sys.argv
    timeout = int(option("--timeout", 600))
    nb = nbformat.read(src, as_version=4)
    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    kernel = option("--kernel", nb.metadata.get("kernelspec", {}).get("name", "vae-lab"))
    # The kernel starts in the notebook's folder, as in Jupyter.
    client = NotebookClient(nb, timeout=timeout, allow_errors=False, kernel_name=kernel,
                            resources={"metadata": {"path": option("--cwd", ".")}})
    errors = []
    started = time.time()
    with client.setup_kernel():
        for n, index in enumerate(code_cells, 1):
            cell = nb.cells[index]
            t0 = time.time()
            emit(event="start", cell=n, of=len(code_cells), index=index)
            try:
                # execute_cell returns the cell; an error reply raises CellExecutionError.
                client.execute_cell(cell, index, execution_count=n)
                failed = False
            except CellTimeoutError:
                failed = True
                cell.setdefault("outputs", []).append(nbformat.v4.new_output("stream", name="stderr", text=f"cell timed out after {timeout} s"))
            except CellExecutionError:
                failed = True
            text = error_text(cell) if failed else ""
            emit(event="cell", cell=n, of=len(code_cells), index=index, seconds=round(time.time() - t0, 2), error=text if failed else None)
            if failed:
                errors.append({"cell": n, "index": index, "error": text or "(the kernel reported an error without a message)"})
                if not allow_errors:
                    break
                time.sleep(0.5)
        if not errors:
            for n in [int(v) for v in option("--rerun", "").split(",") if v.strip()]:
                index = code_cells[n - 1]
                t0 = time.time()
                try:
                    client.execute_cell(nb.cells[index], index, execution_count=len(code_cells) + n)
                    error = None
                except (CellExecutionError, CellTimeoutError):
                    error = error_text(nb.cells[index]) or "(error on re-run)"
                    errors.append({"cell": n, "index": index, "error": error})
                emit(event="cell", cell=n, of=len(code_cells), index=index, seconds=round(time.time() - t0, 2), error=error, rerun=True)
    nbformat.write(nb, dst)
    # Trust it, so its figures' scripts run when opened (Debian has no `jupyter trust`).
    from nbformat.sign import NotebookNotary
    NotebookNotary().sign(nb)
    emit(event="done", seconds=round(time.time() - started, 2), errors=errors, cells=len(code_cells))


if __name__ == "__main__":
    main()
