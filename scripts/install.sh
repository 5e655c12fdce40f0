# Sourced by quickstart.sh and test.sh: install what transdesk needs, idempotently.

as_root() { if [[ "$(id -u)" == 0 ]]; then "$@"; else sudo "$@"; fi; }

install_system_packages() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$pkg")
    done
    if ((${#missing[@]})); then
        as_root apt-get update -qq
        DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends \
            "${missing[@]}" >/dev/null
    fi
}

# install_python_package REPO EXTRAS: a virtual environment in REPO/.venv with transdesk
# (editable) and the extras (e.g. "[test]").
install_python_package() {
    local repo="$1" extras="$2"
    if [[ ! -x "$repo/.venv/bin/python" ]]; then
        python3 -m venv "$repo/.venv" 2>/dev/null || {
            install_system_packages python3-venv
            python3 -m venv "$repo/.venv"
        }
    fi
    "$repo/.venv/bin/python" -m pip install -q --disable-pip-version-check -e "$repo$extras"
}
