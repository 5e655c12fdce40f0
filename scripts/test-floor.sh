#!/usr/bin/env bash
# Run the test suite against the lowest versions pyproject.toml allows: a separate
# virtual environment (.venv-floor/) gets every runtime dependency at exactly its floor
# (`pkg==floor`), the test tools at their current versions, and transdesk without deps.
# Not part of scripts/test.sh (it takes a few minutes: a fresh install plus the suite);
# run it when a floor in pyproject.toml changes.
#   bash scripts/test-floor.sh [pytest args...]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
source "$repo/scripts/install.sh"
install_system_packages apertium-rus-ukr gettext chromium
venv="$repo/.venv-floor"
rm -rf "$venv"
python3 -m venv "$venv"
pin() {  # the dependencies of a table in pyproject.toml, each `name>=X` pinned as `name==X`
    "$venv/bin/python" - "$repo/pyproject.toml" "$1" <<'PY'
import re, sys, tomllib
project = tomllib.load(open(sys.argv[1], "rb"))["project"]
deps = project["dependencies"] if sys.argv[2] == "runtime" else \
    project["optional-dependencies"][sys.argv[2]]
for dep in deps:
    m = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*>=\s*([0-9][^,;\s]*)", dep.strip())
    if not m:
        sys.exit(f"test-floor: no plain floor in {dep!r}")
    print(f"{m[1]}=={m[2]}" if sys.argv[2] == "runtime" else dep)
PY
}
mapfile -t runtime < <(pin runtime)
mapfile -t testing < <(pin test)
echo "floors: ${runtime[*]}"
"$venv/bin/python" -m pip install -q --disable-pip-version-check "${runtime[@]}" "${testing[@]}"
# the test tools must not lift a floor: reinstall the pinned ones if a test tool did
"$venv/bin/python" -m pip install -q --disable-pip-version-check "${runtime[@]}"
"$venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps -e "$repo"
"$venv/bin/python" -m pip check
"$venv/bin/python" -m pip freeze --exclude-editable | grep -iE "^($(printf '%s|' "${runtime[@]%%==*}" | sed 's/|$//'))=="
cd "$repo"
PATH="$venv/bin:$PATH" "$venv/bin/python" -m pytest -p no:cacheprovider "$@"
