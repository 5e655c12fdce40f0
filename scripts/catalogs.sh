#!/usr/bin/env bash
# transdesk's own interface catalogs, with Babel (pybabel):
#   bash scripts/catalogs.sh extract   sources -> locales/transdesk.pot
#   bash scripts/catalogs.sh update    locales/transdesk.pot -> locales/{uk,ru}/LC_MESSAGES/transdesk.po
#   bash scripts/catalogs.sh compile   PO -> src/transdesk/locale/<lang>/LC_MESSAGES/transdesk.mo
#   bash scripts/catalogs.sh           all three, in that order
# tests/test_i18n.py fails when the POT or an MO is stale: run this after changing messages.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
pybabel="${PYBABEL:-$repo/.venv/bin/pybabel}"
langs=(uk ru)

extract() {  # extract OUTPUT
    "$pybabel" -q extract -F babel.cfg --project transdesk --version "$(version)" \
        --copyright-holder "the transdesk authors" --msgid-bugs-address "" \
        --add-location file --sort-by-file --width 100 -o "$1" src/transdesk
}

version() { sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml; }

update() {
    for lang in "${langs[@]}"; do
        [[ -f "locales/$lang/LC_MESSAGES/transdesk.po" ]] ||
            "$pybabel" -q init -i locales/transdesk.pot -d locales -D transdesk -l "$lang" --width 100
        "$pybabel" -q update -i locales/transdesk.pot -d locales -D transdesk -l "$lang" \
            --width 100 --ignore-obsolete --no-fuzzy-matching
    done
}

compile() {
    for lang in "${langs[@]}"; do
        mkdir -p "src/transdesk/locale/$lang/LC_MESSAGES"
        "$pybabel" -q compile -l "$lang" -i "locales/$lang/LC_MESSAGES/transdesk.po" \
            -o "src/transdesk/locale/$lang/LC_MESSAGES/transdesk.mo"
    done
}

case "${1:-all}" in
    extract) extract "${2:-locales/transdesk.pot}" ;;
    update) update ;;
    compile) compile ;;
    all) extract locales/transdesk.pot; update; compile ;;
    *) echo "usage: bash scripts/catalogs.sh [extract [OUTPUT]|update|compile|all]" >&2; exit 2 ;;
esac
