#!/usr/bin/env bash
# Prints the path of a Python interpreter of the wanted minor version (e.g. 3.10).
# Looks on PATH, in pyenv and through uv; says how to get one when none is found.
set -u
want="$1"
is_version() { [ -x "$1" ] || command -v "$1" >/dev/null 2>&1 || return 1; "$1" -c "import sys; sys.exit(0 if '%d.%d' % sys.version_info[:2] == '$want' else 1)" 2>/dev/null; }
for cand in "python$want" python3 python; do
  if is_version "$cand"; then command -v "$cand"; exit 0; fi
done
if command -v pyenv >/dev/null 2>&1; then
  for cand in $(ls -d "$(pyenv root)"/versions/"$want".*/bin/python 2>/dev/null | sort -V -r); do
    if is_version "$cand"; then echo "$cand"; exit 0; fi
  done
fi
if command -v uv >/dev/null 2>&1; then
  cand=$(uv python find "$want" 2>/dev/null) && is_version "$cand" && { echo "$cand"; exit 0; }
fi
cat >&2 <<MSG
error: Python $want was not found (looked on PATH, in pyenv and through uv).
  This project needs Python $want. Install it with one of:
    pyenv install $want          (then run make again)
    uv python install $want
    apt-get install python$want python$want-venv
MSG
exit 1
