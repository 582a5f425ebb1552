#!/usr/bin/env bash
# Runs a command as it would run on a fresh machine with only Node and npm: inside a bubblewrap view
# of this machine where every system part the tests can use is absent (Python and Jupyter, JupyterHub,
# Chromium, bubblewrap itself, OpenBLAS, the Fashion-MNIST package). `npm run test:fresh` uses it to
# show that `npm test` passes there, with each skipped test file named. Linux only; needs bubblewrap
# on the machine that runs it (the command inside does not see it).
#   scripts/fresh-machine.sh npm test
#   scripts/fresh-machine.sh npm run doctor
set -euo pipefail
command -v bwrap >/dev/null || { echo "fresh-machine.sh needs bubblewrap: sudo apt-get install bubblewrap" >&2; exit 1; }

hide_bin='^(gcc.*|cc|c++|g++.*|make|python.*|pydoc.*|jupyter.*|ipython.*|chromium.*|chrome.*|google-chrome.*|bwrap)$'
real=/tmp/.fresh-machine-real-bin
args=(--dev-bind / / --proc /proc --tmpfs /tmp --ro-bind /usr/bin "$real" --tmpfs /usr/bin)
# /usr/bin rebuilt from links to the real one, minus the hidden programs (so they do not exist at all).
for f in /usr/bin/* /usr/bin/.[!.]*; do
  [ -e "$f" ] || [ -L "$f" ] || continue
  name=${f#/usr/bin/}
  [[ $name =~ $hide_bin ]] && continue
  target=$(readlink -f "$f")
  case "$target" in /usr/bin/*) target="$real/${target#/usr/bin/}" ;; esac
  args+=(--symlink "$target" "/usr/bin/$name")
done
for d in /usr/local/bin /usr/lib/chromium /usr/share/datasets /usr/lib/python3 /usr/lib/python3.11 /usr/local/lib/python3.11 \
         /usr/lib/x86_64-linux-gnu/openblas-pthread /usr/lib/aarch64-linux-gnu/openblas-pthread "$HOME/.pyenv" "$HOME/.cache/ms-playwright"; do
  [ -d "$d" ] && args+=(--tmpfs "$d")
done
# The tmpfs over /tmp hides other sessions' files; keep the caller's working folder and Node if they live there.
# (--dir with --perms first: bwrap would make the mount points 0700, which the grader's unprivileged uids cannot cross.)
keep() { local d=$1 p=""; while [ "$d" != /tmp ]; do p="$d $p"; d=$(dirname "$d"); done; for d in $p; do args+=(--perms 0755 --dir "$d"); done; }
case "$PWD" in /tmp/*) keep "$PWD"; args+=(--bind "$PWD" "$PWD") ;; esac
node_home=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
case "$node_home" in /tmp/*) keep "$node_home"; args+=(--ro-bind "$node_home" "$node_home") ;; esac
exec bwrap "${args[@]}" --chdir "$PWD" -- env -u CI "$@"
