#!/usr/bin/env bash
# Installs Debian packages the project uses outside Python, when they are missing:
#   fonts: a Chinese font, for the managers' chart images and the browser screenshots;
#   browser: Debian's chromium, for the web page tests.
# As root with apt-get it installs them; otherwise it says what to install and goes on
# (the chart images then lack Chinese glyphs and the browser tests are skipped).
set -euo pipefail

declare -A PACKAGES=([fonts]="fonts-wqy-microhei" [browser]="chromium")
declare -A PRESENT=(
  [fonts]="fc-list :lang=zh family | grep -q ."
  [browser]="command -v chromium"
)

missing=()
for group in "$@"; do
  [ -n "${PACKAGES[$group]:-}" ] || { echo "ensure-debian: unknown group $group" >&2; exit 2; }
  if ! bash -c "${PRESENT[$group]}" >/dev/null 2>&1; then
    missing+=("${PACKAGES[$group]}")
  fi
done
[ "${#missing[@]}" -gt 0 ] || exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "==> not installed: ${missing[*]} (e.g. \`sudo apt-get install ${missing[*]}\`)" >&2
  exit 0
fi
echo "==> installing Debian packages: ${missing[*]}" >&2
{
  DEBIAN_FRONTEND=noninteractive apt-get update -q &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
} </dev/null >&2 || echo "==> could not install ${missing[*]}; going on without" >&2
