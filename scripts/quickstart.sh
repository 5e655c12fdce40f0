#!/usr/bin/env bash
# Install transdesk and run the newsroom's main job end to end on the built-in
# defaults: an SQLite file (./transdesk-demo/transdesk.db), the offline engines
# (Apertium for ru<->uk, memory and CLDR for the rest) and the sample articles.
#   bash scripts/quickstart.sh              # install, then run the job
#   bash scripts/quickstart.sh --no-install # run the job with the transdesk already installed
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
source "$repo/scripts/install.sh"
if [[ "${1:-}" != "--no-install" ]]; then
    install_system_packages apertium-rus-ukr gettext \
        hunspell-ru hunspell-uk hunspell-en-us hunspell-en-gb libenchant-2-2
    install_python_package "$repo" ""
    PATH="$repo/.venv/bin:$PATH"
fi
td=(python -m transdesk)
if command -v transdesk >/dev/null 2>&1; then td=(transdesk); fi

work="${TRANSDESK_DEMO_DIR:-$PWD/transdesk-demo}"
mkdir -p "$work" && cd "$work"
export TRANSDESK_DB="$work/transdesk.db" TRANSDESK_USER="${TRANSDESK_USER:-demo}"
set -x
"${td[@]}" import "$repo"/examples/*.txt
"${td[@]}" articles
"${td[@]}" draft ru-budget --lang uk                 # memory, CLDR date, then Apertium (offline)
"${td[@]}" draft ru-budget --lang en --provider none # memory and CLDR only: no network needed
"${td[@]}" status ru-budget
"${td[@]}" next --lang uk --article ru-budget --json     # claims one unit for "$TRANSDESK_USER"
printf ':q\n' | "${td[@]}" next --lang uk --article ru-budget  # gives it back (:q releases it)
"${td[@]}" export ru-budget --lang uk --allow-incomplete -o "$work/ru-budget.uk.txt"
"${td[@]}" export ru-budget --lang uk --format aligned --allow-incomplete -o "$work/ru-budget.uk.tsv"
"${td[@]}" po export ru-budget --dir "$work/locales" --mo
"${td[@]}" check ru-budget --lang uk --min 0
set +x
echo "Done: database $TRANSDESK_DB, files in $work"
echo "To work with the demo database (transdesk alone uses ./transdesk.db):"
if [[ "${1:-}" != "--no-install" ]]; then echo "  source $repo/.venv/bin/activate"; fi
echo "  export TRANSDESK_DB=$TRANSDESK_DB"
echo "  transdesk articles"
