#!/usr/bin/env bash
# Install everything (system packages, Python packages) and run the whole test suite,
# the linter, and transdesk's own check on the project's translated example catalogs.
#   bash scripts/test.sh [pytest args...]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
source "$repo/scripts/install.sh"
install_system_packages apertium-rus-ukr gettext chromium \
    hunspell-ru hunspell-uk hunspell-en-us hunspell-en-gb libenchant-2-2
install_python_package "$repo" "[test]"
PATH="$repo/.venv/bin:$PATH"
cd "$repo"
ruff check src tests bench
mypy
transdesk check --po examples/locales --strict
transdesk check --po locales --strict          # the tool's own interface catalogs
python -m pytest "$@"
TRANSDESK_LANG=uk python -m pytest "$@"        # once more with the interface in Ukrainian
