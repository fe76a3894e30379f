#!/usr/bin/env bash
# Creates or updates one of the two virtual environments, skipping all work when
# the pinned requirements (and the interpreter) are unchanged since the last install.
#   scripts/ensure-venv.sh bot    -> .venv       (Python 3.11, the bot)
#   scripts/ensure-venv.sh rasa   -> .venv-rasa  (Python 3.10, the Rasa NLU service)
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  bot)  venv=.venv;      pyver=3.11; inputs=(requirements/bot.txt pyproject.toml) ;;
  rasa) venv=.venv-rasa; pyver=3.10; inputs=(requirements/rasa.txt) ;;
  *) echo "usage: $0 bot|rasa" >&2; exit 2 ;;
esac
python=$(scripts/find-python.sh "$pyver")
want=$( { cat "${inputs[@]}"; "$python" --version; } | sha256sum | cut -d' ' -f1)
stamp="$venv/.install-hash"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$venv/bin/python" ]; then
  exit 0
fi
echo "==> installing $venv (Python $pyver: $python)"
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
# pip's exit status is kept; only the noise about this machine's absent extra index is dropped.
pip() { "$venv/bin/python" -m pip --disable-pip-version-check -q "$@" 2> >(grep -v '^WARNING: Location' >&2); }
pip install --upgrade pip
if [ "$1" = bot ]; then
  pip install -r requirements/bot.txt
  "$venv/bin/python" -c "import aiohttp, opencc, jieba"
else
  pip install -r requirements/rasa.txt
  "$venv/bin/rasa" --version >/dev/null 2>&1 || { echo "error: rasa did not install into $venv" >&2; exit 1; }
fi
echo "$want" > "$stamp"
echo "==> $venv ready"
