"""`transdesk report`: post-edit effort per draft origin (sacrebleu chrF/TER, character
edit ratio, claim-to-submit time), progress, units per hour, queue age and lateness;
text and JSON with the same figures; metrics kept; the empty desk; loading nothing
heavy outside `report`."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from conftest import transdesk_cmd
from helpers_desk import put, sql
from rapidfuzz.distance import Levenshtein
from sacrebleu.metrics import CHRF, TER

from transdesk import storage
from transdesk.db import open_db
from transdesk.i18n import interface_language

DRAFTS = {  # unit: (origin, score, draft, what the translator submitted; None: accepted)
    1: ("cldr", None, "Monday, 17 February", None),
    3: ("tm", 100.0, "The government approved the draft budget for 2026", None),
    4: ("tm", 80.0, "The cabinet approved the draft budget for 2025.",
        "The cabinet approved the draft budget for 2026."),
    5: ("mt:google", None, "Expenses will amount approx. 3.5 trillion rubles.",
        "Spending will be about 3.5 trillion rubles."),
    6: ("mt:google", None, "It is 7% more than last year.",
        "That is 7% more than last year."),
}
WHO = {1: "olena", 3: "olena", 4: "olena", 5: "olena", 6: "taras"}


def claim_as(db_path, unit_id: int, who: str, seconds_ago: int) -> None:
    """A claim `next` gave `who` `seconds_ago` (the state `next` leaves, dated back)."""
    start = (datetime.now(UTC) - timedelta(seconds=seconds_ago)).strftime(
        "%Y-%m-%dT%H:%M:%S.%fZ")
    sql(db_path, "UPDATE translations SET claimed_by = ?, claimed_at = ?,"
        " claim_expires = '9999-01-01T00:00:00.000000Z' WHERE unit_id = ? AND lang = 'en'",
        (who, start, unit_id))


@pytest.fixture
def desk(run, samples):
    """ru-budget drafted into en from five origins, post-edited by olena and taras;
    unit 2 translated from nothing; unit 1 then approved by taras."""
    assert run("import", str(samples / "ru-budget.txt")).exit_code == 0
    for unit_id, (origin, score, draft, _final) in DRAFTS.items():
        put(run.db_path, unit_id, "en", draft, origin=origin, score=score)
    for unit_id, (_origin, _score, _draft, final) in DRAFTS.items():
        claim_as(run.db_path, unit_id, WHO[unit_id], 60 * unit_id)
        how = ["--accept"] if final is None else ["--text", final]
        result = run("submit", str(unit_id), "--lang", "en", *how, "--as", WHO[unit_id])
        assert result.exit_code == 0, result.output
    claim_as(run.db_path, 2, "taras", 300)
    assert run("submit", "2", "--lang", "en", "--text", "economy", "--as", "taras").exit_code == 0
    assert run("submit", "1", "--lang", "en", "--accept", "--approve", "--as", "taras"
               ).exit_code == 0
    return run


def expected(unit_id: int) -> tuple[float, float, float]:
    _origin, _score, draft, final = DRAFTS[unit_id]
    final = final or draft
    return (CHRF().sentence_score(draft, [final]).score, TER().sentence_score(draft, [final]).score,
            Levenshtein.normalized_distance(draft, final))


def mean(values) -> float:
    values = list(values)
    return sum(values) / len(values)


def test_post_edit_effort_per_origin_pair_and_translator(desk):
    data = json.loads(desk("report", "--format", "json").stdout)
    origins = {r["origin"]: r for r in data["postedit"]["by_origin"]}
    assert set(origins) == {"cldr", "tm exact", "tm fuzzy", "mt:google", "none"}
    groups = {"cldr": [1], "tm exact": [3], "tm fuzzy": [4], "mt:google": [5, 6]}
    for origin, units in groups.items():
        row = origins[origin]
        assert (row["count"], row["measured"], row["timed"]) == (len(units),) * 3
        assert row["chrf"] == pytest.approx(mean(expected(u)[0] for u in units), abs=0.01)
        assert row["ter"] == pytest.approx(mean(expected(u)[1] for u in units), abs=0.01)
        assert row["edit_ratio"] == pytest.approx(mean(expected(u)[2] for u in units), abs=1e-4)
        # claimed 60 s per unit id before the submission
        assert row["median_seconds"] == pytest.approx(60 * mean(units), abs=5)
    assert origins["cldr"]["chrf"] == 100.0 and origins["cldr"]["ter"] == 0.0
    assert origins["tm fuzzy"]["chrf"] < 100 and origins["mt:google"]["edit_ratio"] > 0
    assert origins["none"]["count"] == 1 and origins["none"]["chrf"] is None
    assert origins["none"]["median_seconds"] == pytest.approx(300, abs=5)
    q = origins["mt:google"]["chrf_quartiles"]
    assert q["min"] == pytest.approx(min(expected(5)[0], expected(6)[0]), abs=0.01)
    assert q["max"] == pytest.approx(max(expected(5)[0], expected(6)[0]), abs=0.01)
    pairs = data["postedit"]["by_pair"]
    assert [(p["pair"], p["count"], p["measured"]) for p in pairs] == [("ru-en", 6, 5)]
    people = {r["translator"]: r for r in data["postedit"]["by_translator"]}
    assert (people["olena"]["count"], people["taras"]["count"]) == (4, 2)
    assert people["taras"]["chrf"] == pytest.approx(expected(6)[0], abs=0.01)


def test_progress_translators_queue_and_late(desk):
    desk("plan", "ru-budget", "--lang", "en", "--due", "2020-01-01T00:00", "--priority", "high")
    data = json.loads(desk("report", "--format", "json").stdout)
    langs = {r["lang"]: r for r in data["progress"]["languages"]}
    assert langs["en"] == {"lang": "en", "units": 12, "done": 6, "left": 6, "percent": 50.0}
    assert langs["uk"]["done"] == 0
    today = data["progress"]["daily"]
    assert [(d["lang"], d["done"], d["undone"], d["cumulative"]) for d in today] == [
        ("en", 6, 0, 6)]
    people = {r["translator"]: r for r in data["translators"]}
    assert (people["olena"]["translated"], people["olena"]["reviewed"]) == (4, 0)
    assert (people["taras"]["translated"], people["taras"]["reviewed"]) == (2, 1)
    for row in people.values():
        assert row["units_per_hour"] == round(
            (row["translated"] + row["reviewed"]) / row["active_hours"], 1)
    ages = {r["lang"]: r for r in data["queue"]["ages"]}
    assert ages["en"]["waiting"] == 6 and ages["en"]["buckets"]["<1h"] == 6
    assert ages["uk"]["waiting"] == 12
    assert [(r["article"], r["lang"], r["left"], r["priority"]) for r in data["queue"]["late"]] == [
        ("ru-budget", "en", 6, "high")]
    assert data["queue"]["pace"]["en"] == 6.0  # six units done within the last hour


def cells(line: str) -> list[str]:
    return re.split(r"\s{2,}", line.strip())


@pytest.mark.english
def test_text_and_json_carry_the_same_figures(desk):
    data = json.loads(desk("report", "--format", "json").stdout)
    text = desk("report").stdout
    lines = text.splitlines()

    def row_for(section: str, first: str) -> list[str]:
        start = next(i for i, line in enumerate(lines) if line.startswith(section))
        return next(cells(line) for line in lines[start:] if cells(line)[0] == first)

    for r in data["progress"]["languages"]:
        assert row_for("Progress", r["lang"]) == [r["lang"], str(r["done"]), str(r["units"]),
                                                 f"{r['percent']:.1f}%", str(r["left"])]
    for r in data["translators"]:
        got = row_for("Units per hour", r["translator"])
        assert got[:5] == [r["translator"], str(r["translated"]), str(r["reviewed"]),
                           str(r["active_hours"]), f"{r['units_per_hour']:.1f}"]
    for r in data["postedit"]["by_origin"]:
        got = row_for("Post-edit", r["origin"])
        want = [r["origin"], str(r["count"]), str(r["measured"])]
        want += ["-" if r[k] is None else f"{r[k]:.{d}f}"
                 for k, d in (("chrf", 2), ("ter", 2), ("edit_ratio", 4))]
        assert got[:7] == [*want, str(r["timed"])]
        seconds = r["median_seconds"]
        assert got[7] == (f"{seconds:.0f}s" if seconds < 120 else f"{seconds / 60:.1f}min")
        if r["chrf_quartiles"]:
            assert got[8].split() == [f"{r['chrf_quartiles'][k]:.1f}"
                                      for k in ("min", "q1", "median", "q3", "max")]
    for r in data["queue"]["ages"]:
        assert row_for("Queue", r["lang"])[:3] == [r["lang"], str(r["waiting"]),
                                                   str(r["buckets"]["<1h"])]
    late = len(data["queue"]["late"])
    assert f"Late: {late} language{'' if late == 1 else 's'} past the deadline" in text


def test_since_and_lang_narrow_the_report(desk):
    # taras's mt:google post-edit and his from-scratch unit happened long ago
    sql(desk.db_path, "UPDATE history SET at = '2020-01-01T00:00:00.000000Z'"
        " WHERE unit_id IN (2, 6)")
    data = json.loads(desk("report", "--since", "-1d", "--format", "json").stdout)
    origins = {r["origin"]: r["count"] for r in data["postedit"]["by_origin"]}
    assert origins == {"cldr": 1, "tm exact": 1, "tm fuzzy": 1, "mt:google": 1}
    assert data["since"] is not None
    everything = json.loads(desk("report", "--since", "2019-12-31", "--format", "json").stdout)
    assert sum(r["count"] for r in everything["postedit"]["by_origin"]) == 6
    uk = json.loads(desk("report", "--lang", "ua", "--format", "json").stdout)
    assert uk["lang"] == "uk" and uk["postedit"]["by_origin"] == [] and uk["translators"] == []
    assert [r["lang"] for r in uk["progress"]["languages"]] == ["uk"]
    if interface_language() == "en":
        assert "no drafts were post-edited in this period" in desk("report", "--lang",
                                                                    "uk").stdout


def recount(location, since=None) -> list:
    """The report's per-hour figures counted from the whole history, as a report before
    the kept hours did."""
    from transdesk.storage import postedits as figures

    where = "at >= ?" if since else "1 = 1"
    return sorted((h, lang, who or None, done, undone, reviewed) for h, lang, who, done,
                  undone, reviewed in sql(location, figures._PER_HOUR.format(where=where),
                                          (since,) if since else ()))


def test_work_per_hour_is_kept_and_equals_a_recount(desk):
    from transdesk.storage import postedits as figures

    # (on PostgreSQL only rows older than a few minutes are kept: ids are not in commit order)
    sql(desk.db_path, "UPDATE history SET at = '2026-11-19T08:00:00.000000Z'")
    first = json.loads(desk("report", "--format", "json").stdout)
    folded = sql(desk.db_path, "SELECT last_id FROM report_state WHERE name = 'hours'")
    assert folded == sql(desk.db_path, "SELECT MAX(id) FROM history")
    assert sql(desk.db_path, "SELECT SUM(done), SUM(reviewed) FROM report_hours") == [(6, 1)]
    # more work after the fold: counted live, then folded by the next report
    put(desk.db_path, 7, "en", "Draft seven", origin="mt:google")
    assert desk("submit", "7", "--lang", "en", "--text", "Seven", "--as", "olena").exit_code == 0
    assert desk("submit", "8", "--lang", "en", "--text", "Eight", "--as", "olena").exit_code == 0
    # one hour of the history spread over two hours, so that --since cuts one in half
    sql(desk.db_path, "UPDATE history SET at = '2026-11-20T09:10:00.000000Z' WHERE unit_id = 7")
    sql(desk.db_path, "UPDATE history SET at = '2026-11-20T09:50:00.000000Z' WHERE unit_id = 8")
    location = desk.db_path
    opened = storage.open(location)
    try:
        assert sorted(figures.hourly(opened, None, None)) == recount(location)
        for since in ("2026-11-20T09:30:00.000000Z", "2026-11-20T09:00:00.000000Z"):
            assert sorted(figures.hourly(opened, since, None)) == recount(location, since)
    finally:
        opened.close()
    second = json.loads(desk("report", "--format", "json").stdout)
    olena = {r["translator"]: r for r in second["translators"]}["olena"]
    assert olena["translated"] == {r["translator"]: r for r in first["translators"]}[
        "olena"]["translated"] + 2
    assert sql(desk.db_path, "SELECT last_id FROM report_state WHERE name = 'hours'") == sql(
        desk.db_path, "SELECT MAX(id) FROM history")
    opened = storage.open(location)  # now the half hour is among the kept ones
    try:
        for since in (None, "2026-11-20T09:30:00.000000Z", "2026-11-20T09:50:00.000000Z"):
            assert sorted(figures.hourly(opened, since, None)) == recount(location, since)
    finally:
        opened.close()


def test_metrics_are_computed_once_and_kept(desk):
    assert sql(desk.db_path, "SELECT COUNT(*) FROM postedits") == [(0,)]
    desk("report")
    # five post-edits and one translation from nothing (no metrics, its time only)
    assert sql(desk.db_path, "SELECT COUNT(*), COUNT(chrf) FROM postedits") == [(6, 5)]
    # a kept figure is read back, not measured again
    sql(desk.db_path, "UPDATE postedits SET chrf = 12.5 WHERE history_id IN"
        " (SELECT id FROM history WHERE unit_id = 4 AND action = 'translate')")
    data = json.loads(desk("report", "--format", "json").stdout)
    assert {r["origin"]: r["chrf"] for r in data["postedit"]["by_origin"]}["tm fuzzy"] == 12.5
    put(desk.db_path, 7, "en", "Draft seven", origin="mt:google")
    desk("submit", "7", "--lang", "en", "--text", "Sentence seven", "--as", "olena")
    desk("report")
    assert sql(desk.db_path, "SELECT COUNT(*), COUNT(chrf) FROM postedits") == [(7, 6)]
    assert sql(desk.db_path, "SELECT origin, pair, translator, seconds FROM postedits"
               " ORDER BY history_id DESC LIMIT 1") == [("mt:google", "ru-en", "olena", None)]


@pytest.mark.english
def test_empty_desk_says_so_and_exits_0(run):
    storage.open(run.db_path).close()  # a desk with nothing in it yet
    result = run("report")
    assert result.exit_code == 0
    assert "the desk is empty: no articles yet, nothing to report" in result.stdout
    data = json.loads(run("report", "--format", "json").stdout)
    assert data["empty"] is True and "progress" not in data
    html = run("report", "--format", "html").stdout
    assert '<p class="empty" id="empty">the desk is empty' in html and "<svg" not in html


def test_output_file_and_bad_output(desk, tmp_path):
    out = tmp_path / "reports" / "desk.json"
    result = desk("report", "--format", "json", "-o", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["postedit"]["by_pair"][0]["pair"] == "ru-en"
    result = desk("report", "-o", str(tmp_path))
    assert result.exit_code == 2 and result.stderr.startswith("Error: ")
    assert "is a directory" in result.stderr or interface_language() != "en"
    assert desk("report", "-o", "").exit_code == 2


@pytest.mark.parametrize("args", [["--help"], ["next", "--lang", "en", "--json"],
                                  ["status"], ["report", "--help"]])
def test_plotting_and_metrics_load_only_inside_report(args, db_path):
    open_db(db_path).close()
    result = subprocess.run([*transdesk_cmd()[:1], "-X", "importtime", *transdesk_cmd()[1:],
                             "--db", str(db_path), *args], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-500:]
    loaded = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()
              if line.startswith("import time:")}
    assert "click" in loaded  # the import log is there
    assert not {m for m in loaded if m.split(".")[0] in ("matplotlib", "sacrebleu", "numpy")}


def test_a_long_history_is_sampled_for_medians_and_measured_in_parallel(desk, monkeypatch):
    """Counts and means stay exact when medians and quartiles come from a sample; a
    backlog measured by worker processes gives the figures one process gives."""
    from transdesk import postedit

    serial = json.loads(desk("report", "--format", "json").stdout)["postedit"]
    sql(desk.db_path, "DELETE FROM postedits")
    monkeypatch.setattr(postedit, "PARALLEL_FROM", 1)
    monkeypatch.setattr(postedit, "CHUNK", 2)
    monkeypatch.setattr(postedit, "SAMPLE", 3)  # six post-edits: every second one read
    monkeypatch.setattr(postedit, "EXACT_BELOW", 2)  # groups sampled to one row: read whole
    sampled = json.loads(desk("report", "--format", "json").stdout)["postedit"]
    assert serial["sample_every"] == 1 and sampled["sample_every"] == 2
    for by in ("by_origin", "by_pair", "by_translator"):
        keys = ("count", "measured", "timed", "chrf", "ter", "edit_ratio")
        assert [[r[k] for k in keys] for r in sampled[by]] == [[r[k] for k in keys]
                                                               for r in serial[by]]
    origins = {r["origin"]: r for r in sampled["by_origin"]}
    assert origins["tm fuzzy"]["chrf_quartiles"] == {r["origin"]: r for r in serial[
        "by_origin"]}["tm fuzzy"]["chrf_quartiles"]  # one post-edit: read whole
    if interface_language() == "en":
        assert "medians and quartiles from one post-edit in 2" in desk("report").stdout


def test_kept_drafts_and_repeated_pairs_give_what_sacrebleu_gives():
    """What `measure` skips (a draft kept as it was, a pair met before) has the figures
    sacrebleu and rapidfuzz would give it."""
    from transdesk import postedit

    pairs = [(1, "Monday, 17 February", "Monday, 17 February"),
             (2, "Це тест.", "Це тест."),
             (3, "It is 7% more.", "That is 7% more."),
             (4, "It is 7% more.", "That is 7% more."),
             (5, "  ", "  "),
             (6, "Kyiv", "Kyiv, Ukraine")]
    for (history_id, draft, final), got in zip(pairs, postedit.measure(pairs), strict=True):
        chrf = CHRF().sentence_score(draft, [final]).score
        ter = TER().sentence_score(draft, [final]).score
        ratio = Levenshtein.normalized_distance(draft, final)
        assert got == (history_id, round(chrf, 3), round(ter, 3), round(ratio, 5))
