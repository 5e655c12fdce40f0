#!/usr/bin/env bash
# Install everything (system packages, Python packages) and run the whole test suite,
# the linter, and transdesk's own check on the project's translated example catalogs.
# The tests run against a throw-away PostgreSQL server started here (scripts/pg-test-server.sh)
# as well as SQLite: the whole suite on SQLite desks (tests taking `engine` on both engines),
# then the CLI tests again on PostgreSQL desks (`--desk postgresql`), then in Ukrainian.
# Set TRANSDESK_TEST_PG yourself to use a server of your own instead.
#   bash scripts/test.sh [pytest args...]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
source "$repo/scripts/install.sh"
install_system_packages apertium-rus-ukr gettext chromium postgresql \
    hunspell-ru hunspell-uk hunspell-en-us hunspell-en-gb libenchant-2-2
install_python_package "$repo" "[test]"
PATH="$repo/.venv/bin:$PATH"
cd "$repo"
ruff check src tests bench
mypy
transdesk check --po examples/locales --strict
transdesk check --po locales --strict          # the tool's own interface catalogs
if [[ -z "${TRANSDESK_TEST_PG:-}" ]]; then
    pg_dir="$(mktemp -d "${TMPDIR:-/tmp}/transdesk-pg.XXXXXX")"
    trap 'bash "$repo/scripts/pg-test-server.sh" stop "$pg_dir"' EXIT
    eval "$(bash "$repo/scripts/pg-test-server.sh" start "$pg_dir")"
fi
python -m pytest "$@"
python -m pytest --desk postgresql "$@"        # the CLI tests again, on PostgreSQL desks
TRANSDESK_LANG=uk python -m pytest "$@"        # once more with the interface in Ukrainian
