#!/usr/bin/env bash
# Runs a command as it would run on a fresh machine with only Node: inside a bubblewrap view of this
# machine where the system parts the tests can use are hidden (Python/Jupyter/JupyterHub, Chromium,
# bubblewrap itself, OpenBLAS, the Fashion-MNIST package). Proves that `npm test` passes there with
# named skips instead of failures. Needs bubblewrap on the machine that runs it.
#   scripts/fresh-machine.sh npm test
#   scripts/fresh-machine.sh npm run doctor
set -euo pipefail
command -v bwrap >/dev/null || { echo "fresh-machine.sh needs bubblewrap: sudo apt-get install bubblewrap" >&2; exit 1; }
args=(--dev-bind / / --proc /proc --tmpfs /tmp)
for f in /usr/bin/python* /usr/bin/jupyter* /usr/bin/chromium /usr/bin/bwrap /usr/local/bin/python* /usr/local/bin/jupyter*; do
  [ -e "$f" ] && args+=(--ro-bind /dev/null "$f")
done
for d in /usr/lib/chromium /usr/share/datasets /usr/lib/python3 /usr/lib/python3.11 /usr/local/lib/python3.11 \
         /usr/lib/x86_64-linux-gnu/openblas-pthread /usr/lib/aarch64-linux-gnu/openblas-pthread; do
  [ -d "$d" ] && args+=(--tmpfs "$d")
done
# The tmpfs over /tmp hides other sessions' files; keep the caller's working folder if it lives there.
case "$PWD" in /tmp/*) args+=(--bind "$PWD" "$PWD") ;; esac
exec bwrap "${args[@]}" --chdir "$PWD" -- env -u CI "$@"
