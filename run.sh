#!/usr/bin/env bash
# Entry point for a fresh clone.
#   ./run.sh up      bring the whole app up (private PostGIS unless DATABASE_URL is set)
#   ./run.sh test    lint, type-check and run the test suite against a real PostGIS
#   ./run.sh ARGS    any other `tzmap` command, e.g. ./run.sh db status
# It makes the virtual environment in .venv and installs the project into it when needed.
set -euo pipefail
cd "$(dirname "$0")"

VENV=.venv
# Debian packages the tests need beyond Python; `tzmap` installs PostgreSQL/PostGIS itself.
TEST_DEBIAN_PACKAGES=(postgresql postgresql-15-postgis-3 gdal-bin chromium fonts-noto-cjk poppler-utils)
# The web pages' libraries (Leaflet, Leaflet-Geoman, Swagger UI) come from npm, pinned in
# package-lock.json.
WEB_DEBIAN_PACKAGES=(nodejs npm)
# Printed maps set their Chinese text in Noto Sans CJK.
PRINT_DEBIAN_PACKAGES=(fonts-noto-cjk)

as_root() { [ "$(id -u)" -eq 0 ]; }

apt_install() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! as_root; then
    echo "Missing Debian packages: ${missing[*]}" >&2
    echo "Install them with: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "Installing Debian packages: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
}

ensure_venv() {  # $1: pip extras ("" or "test")
  local extras=$1 spec=. stamp
  [ -n "$extras" ] && spec=".[$extras]"
  stamp="$VENV/.installed${extras:+-$extras}"
  if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV" 2>/dev/null || { rm -rf "$VENV"; apt_install python3-venv; python3 -m venv "$VENV"; }
  fi
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -e "$spec"
    touch "$stamp"
  fi
}

ensure_web_assets() {
  if [ ! -d node_modules/leaflet ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    command -v npm >/dev/null || apt_install "${WEB_DEBIAN_PACKAGES[@]}"
    # No install scripts: the libraries are plain files, and Swagger UI's dependency @scarf/scarf
    # would otherwise try to report the install over the network.
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  fi
}

case "${1:-}" in
  test)
    shift
    apt_install "${TEST_DEBIAN_PACKAGES[@]}"
    ensure_venv test
    ensure_web_assets
    "$VENV/bin/ruff" check .
    "$VENV/bin/ruff" format --check .
    "$VENV/bin/mypy"
    exec "$VENV/bin/pytest" "$@"
    ;;
  deps)
    apt_install "${TEST_DEBIAN_PACKAGES[@]}"
    ensure_venv test
    ensure_web_assets
    ;;
  "" | -h | --help)
    sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
    echo
    ensure_venv ""
    "$VENV/bin/tzmap" --help
    ;;
  up)
    # The whole app, printing included; without root, print says which package is missing.
    as_root && apt_install "${PRINT_DEBIAN_PACKAGES[@]}"
    ensure_venv ""
    ensure_web_assets
    exec "$VENV/bin/tzmap" "$@"
    ;;
  *)
    ensure_venv ""
    ensure_web_assets
    exec "$VENV/bin/tzmap" "$@"
    ;;
esac
