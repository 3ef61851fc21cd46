# Sourced by run.sh, test.sh and .ci/run: find Python >= 3.11, create the virtualenv when
# it is missing, and (re)install the project only when pyproject.toml changed.
#
#   ensure_venv runtime   -> pip install -e .
#   ensure_venv dev       -> pip install -e .[dev]   (also satisfies "runtime")
#
# VENV_DIR (default .venv) and PYTHON (default: the newest python3.x >= 3.11 on PATH)
# may be overridden from the environment.

VENV_DIR="${VENV_DIR:-.venv}"

_find_python() {
  local candidate
  for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
    [ -n "$candidate" ] || continue
    command -v "$candidate" >/dev/null 2>&1 || continue
    if "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  echo "error: Python >= 3.11 is required (set PYTHON=/path/to/python3.11)" >&2
  return 1
}

_pyproject_hash() {
  "$VENV_DIR/bin/python" -c 'import hashlib; print(hashlib.sha256(open("pyproject.toml", "rb").read()).hexdigest())'
}

ensure_venv() {
  local profile="$1" python hash stamp
  if [ ! -x "$VENV_DIR/bin/python" ]; then
    python="$(_find_python)"
    echo "==> creating virtualenv $VENV_DIR with $("$python" --version)"
    "$python" -m venv "$VENV_DIR"
  fi
  hash="$(_pyproject_hash)"
  # A dev install contains the runtime one, so either stamp satisfies "runtime".
  for stamp in "$VENV_DIR/.installed-$profile" "$VENV_DIR/.installed-dev"; do
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then
      echo "==> dependencies up to date ($profile)"
      return 0
    fi
  done
  local target="."
  [ "$profile" = "dev" ] && target=".[dev]"
  echo "==> installing the project and its $profile dependencies into $VENV_DIR"
  "$VENV_DIR/bin/python" -m pip install --disable-pip-version-check --quiet --upgrade pip
  "$VENV_DIR/bin/python" -m pip install --disable-pip-version-check --quiet -e "$target"
  echo "$hash" >"$VENV_DIR/.installed-$profile"
}
