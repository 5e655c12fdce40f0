"""Import and merge give the same desk on SQLite and on PostgreSQL, and on PostgreSQL
the history of a merge records the server login."""

from __future__ import annotations

from conftest import Cli
from helpers_desk import query
from test_import import ORIGINAL, UPDATED


def _import_and_merge(run: Cli, samples, work) -> dict:
    """Import the samples and an article, give it translations, import its new version;
    returns what import, units and log show."""
    for path in sorted(samples.glob("*.txt")):
        assert run("import", str(path)).exit_code == 0
    budget = work / "budget.txt"
    budget.write_text(ORIGINAL, encoding="utf-8")
    assert run("import", str(budget)).exit_code == 0
    units = {u["key"]: u["id"] for u in run.json("units", "budget")}
    for key in ("p1.s1", "p1.s2", "p2.s1"):
        result = run("submit", str(units[key]), "--lang", "en", "--text", f"EN {key}")
        assert result.exit_code == 0, result.output
    budget.write_text(UPDATED, encoding="utf-8")
    merged = run.json("import", str(budget))
    # (`articles` and `status` with a pace to show come with schedule.py on PostgreSQL)
    shown = {"import": merged}
    for name in ["budget", *sorted(p.stem for p in samples.glob("*.txt"))]:
        shown[name] = [{**u, "translations": {
            lang: {k: v for k, v in t.items() if k != "updated_at"}
            for lang, t in u["translations"].items()}} for u in run.json("units", name)]
    shown["log"] = [{k: v for k, v in row.items() if k != "at"} for row in run.json("log")]
    return shown


def test_import_and_merge_give_the_same_desk_on_both_engines(pg_url, samples, tmp_path):
    (tmp_path / "lite").mkdir()
    (tmp_path / "pg").mkdir()
    on_sqlite = _import_and_merge(Cli(tmp_path / "lite" / "desk.db"), samples, tmp_path / "lite")
    on_postgres = _import_and_merge(Cli(pg_url), samples, tmp_path / "pg")
    assert on_postgres["import"][0]["changed"] == 1
    assert on_postgres == on_sqlite


def test_a_merge_records_the_server_login_in_the_history(pg_url, pg_server, tmp_path):
    run = Cli(pg_url)
    budget = tmp_path / "budget.txt"
    budget.write_text(ORIGINAL, encoding="utf-8")
    assert run("import", str(budget)).exit_code == 0
    budget.write_text(UPDATED, encoding="utf-8")
    assert run("import", str(budget)).exit_code == 0
    rows = query(pg_url, "SELECT action, login FROM history ORDER BY id")
    assert {action for action, _login in rows} >= {"obsolete", "source-changed"}
    assert {login for _action, login in rows} == {pg_server.superuser}


def test_a_bad_file_in_an_archive_leaves_a_postgresql_desk_unchanged(pg_url, samples, tmp_path):
    run = Cli(pg_url)
    assert run("import", str(samples / "ru-budget.txt")).exit_code == 0
    before = query(pg_url, "SELECT COUNT(*), MAX(id) FROM units")
    folder = tmp_path / "archive"
    folder.mkdir()
    for n in range(70):  # the worker pool's path
        (folder / f"a{n:03}.txt").write_text(ORIGINAL.replace("бюджет", f"бюджет {n}"),
                                              encoding="utf-8")
    (folder / "z-last.txt").write_bytes(b"\xff\xfe\x00garbage" * 4)
    result = run("import", "-q", *sorted(str(p) for p in folder.iterdir()))
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: ") and "z-last.txt" in result.stderr
    assert query(pg_url, "SELECT COUNT(*), MAX(id) FROM units") == before
    assert query(pg_url, "SELECT COUNT(*) FROM articles") == [(1,)]
