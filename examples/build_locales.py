"""Build the example catalogs in `examples/locales/` from the sample articles and their translations.

    python examples/build_locales.py [--dir examples/locales]

Imports `examples/*.txt` into a temporary database, loads every human translation
`examples/translations/<article>.<lang>.tsv` (key TAB translation, no header) as
`approved` (origin human, translator "transdesk newsroom"), and writes the POT/PO
catalogs with the `po export` library function. CI then runs
`transdesk check --po examples/locales --strict` on them: the repository dogfoods its own gate.

Every timestamp is `--date` (default: a fixed day), not the clock, so that rebuilding
from unchanged inputs gives byte-identical catalogs and a clean `git diff`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from transdesk import importing, po, storage, store
from transdesk.db import open_db, write_transaction
from transdesk.errors import BadInput, TransdeskError

EXAMPLES = Path(__file__).resolve().parent
TRANSLATOR = "transdesk newsroom"
DATE = "2026-11-25"


def read_tsv(path: Path) -> dict[str, str]:
    """`key<TAB>translation` lines; blank lines skipped; anything else is an error."""
    rows: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        key, tab, text = line.partition("\t")
        if not tab or not key or not text:
            raise BadInput(f"{path}:{number}: expected 'key<TAB>translation'")
        if key in rows:
            raise BadInput(f"{path}:{number}: key {key!r} given twice")
        rows[key] = text
    return rows


def load_translations(db, directory: Path, ts: str) -> int:
    """Every TSV in `directory` as approved human translations; returns the count."""
    count = 0
    for path in sorted(directory.glob("*.tsv")):
        article_id, _dot, lang = path.stem.rpartition(".")
        rows = read_tsv(path)
        ids = {key: store.unit_id_for(db, article_id, key) for key in rows}
        with write_transaction(db) as conn:
            for key, text in rows.items():
                store.write_translation(conn, ids[key], lang, text=text, status="approved",
                                        origin="human", translator=TRANSLATOR,
                                        note="examples/translations", ts=ts)
                count += 1
    return count


def build(out_dir: Path, examples: Path = EXAMPLES, date: str = DATE) -> po.PoExportReport:
    ts = f"{date}T00:00:00.000000Z"
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "examples.db")
        try:
            articles = sorted(str(p) for p in examples.glob("*.txt"))
            importing.import_files(db, articles, importing.ImportOptions(translator=TRANSLATOR))
            with write_transaction(db) as conn:  # dates of a build, not of the clock
                conn.execute("UPDATE articles SET created_at = ?, updated_at = ?", [ts, ts])
            load_translations(db, examples / "translations", ts)
        finally:
            db.close()
        desk = storage.open(Path(tmp) / "examples.db")
        try:
            return po.export_catalogs(desk, directory=out_dir)
        finally:
            desk.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", default=str(Path(__file__).resolve().parent / "locales"),
                        help="output directory (default: examples/locales)")
    parser.add_argument("--date", default=DATE,
                        help=f"date of the catalogs, YYYY-MM-DD (default: {DATE})")
    args = parser.parse_args(argv)
    try:
        report = build(Path(args.dir), date=args.date)
    except TransdeskError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return exc.exit_code
    print(f"{report.articles} articles: {len(report.written)} files written,"
          f" {len(report.unchanged)} unchanged in {args.dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
