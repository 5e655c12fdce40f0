"""The re-import's sentence matching (issue 11 item 3): near-linear, and the same pairs as
scoring every pair of old and new sentences, as 0.1.0 did."""

from __future__ import annotations

import random
import sqlite3

from transdesk.article import Unit
from transdesk.matching import SIMILARITY_THRESHOLD, match_units

# a vocabulary of some hundreds of words, a few of them frequent, as news text has
_SYLLABLES = ["ба", "ве", "ги", "до", "жу", "за", "ки", "ло", "му", "не", "по", "ру", "са", "ти"]
WORDS = [a + b + c for a in _SYLLABLES for b in _SYLLABLES for c in ("", "н", "т")][:500]
WORDS += ["и", "в", "на", "что", "не"] * 40


def all_pairs(old, new):
    """0.1.0's matching, every pair scored: the reference."""
    from rapidfuzz import fuzz

    pairs, free = {}, {r["id"]: r for r in old}
    by_text: dict = {}
    for r in old:
        by_text.setdefault(r["source"], []).append(r)
    for i, u in enumerate(new):
        candidates = [r for r in by_text.get(u.text, ()) if r["id"] in free]
        if candidates:
            row = min(candidates, key=lambda r: abs(r["position"] - i))
            pairs[i] = row
            del free[row["id"]]
    rest_new = [i for i in range(len(new)) if i not in pairs]
    rest_old = list(free.values())
    span = max(len(new), len(old), 1)
    scored = []
    for i in rest_new:
        for row in rest_old:
            score = fuzz.ratio(new[i].text, row["source"])
            if score >= SIMILARITY_THRESHOLD:
                scored.append((score - 20 * abs(row["position"] - i) / span, i, row))
    scored.sort(key=lambda item: -item[0])
    for _s, i, row in scored:
        if i not in pairs and row["id"] in free:
            pairs[i] = row
            del free[row["id"]]
    return pairs, list(free)


def rows(texts):
    conn = sqlite3.connect(":memory:")
    conn.row_factory = sqlite3.Row
    conn.execute("CREATE TABLE u (id, key, kind, paragraph, position, source)")
    conn.executemany("INSERT INTO u VALUES (?, ?, 'sentence', 1, ?, ?)",
                     [(100 + n, f"p1.s{n + 1}", n, t) for n, t in enumerate(texts)])
    return conn.execute("SELECT * FROM u ORDER BY position").fetchall()


def edited(rng, text):
    words = text.split()
    action = rng.randrange(4)
    if action == 0:
        words[rng.randrange(len(words))] = rng.choice(WORDS)
    elif action == 1:
        words.insert(rng.randrange(len(words)), rng.choice(WORDS))
    elif action == 2 and len(words) > 3:
        del words[rng.randrange(len(words))]
    else:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 12))) + "."
    return " ".join(words)


def test_the_indexed_matching_pairs_like_scoring_every_pair():
    rng = random.Random(11)
    for _trial in range(40):
        old_texts = [f"{' '.join(rng.choice(WORDS) for _ in range(rng.randint(4, 12)))}"
                     f" {rng.randint(1, 99)}." for _ in range(rng.randint(5, 120))]
        new_texts = [edited(rng, t) if rng.random() < 0.6 else t for t in old_texts]
        rng.shuffle(new_texts[: len(new_texts) // 3])  # some sentences move
        new_texts += [edited(rng, rng.choice(old_texts)) for _ in range(rng.randint(0, 10))]
        del new_texts[rng.randrange(len(new_texts))]
        old = rows(old_texts)
        new = [Unit(f"p1.s{n + 1}", "sentence", 1, t) for n, t in enumerate(new_texts)]
        got, expected = match_units(old, new), all_pairs(old, new)
        assert {i: r["id"] for i, r in got[0].items()} == {
            i: r["id"] for i, r in expected[0].items()}
        assert sorted(got[1]) == sorted(expected[1])


def test_seven_thousand_changed_sentences_pair_each_with_its_old_self():
    old_texts = [f"Предложение номер {n} о бюджете города {n % 97} и плане {n * 7}."
                 for n in range(7000)]
    new_texts = [t.replace("бюджете", "проекте бюджета") for t in old_texts]
    pairs, vanished = match_units(rows(old_texts),
                                   [Unit(f"p1.s{n}", "sentence", 1, t)
                                    for n, t in enumerate(new_texts)])
    assert vanished == []
    assert all(pairs[i]["position"] == i for i in range(7000))


def test_a_change_made_between_the_matching_and_the_lock_is_matched_again(tmp_path,
                                                                          monkeypatch):
    """The matching runs outside the write lock on a snapshot; if the article moved
    before the lock was taken, the matching is redone under the lock."""
    from test_import import ORIGINAL, UPDATED

    from transdesk import importing
    from transdesk.db import open_db

    path = tmp_path / "desk.db"
    db = open_db(path)
    importing.import_article(db, ORIGINAL.encode(), "budget")
    calls = []
    real = importing.match_units

    def racing(old, new):
        calls.append(len(old))
        if len(calls) == 1:  # another process imports a new version meanwhile
            other = open_db(path)
            importing.import_article(other, UPDATED.encode(), "budget")
            other.close()
        return real(old, new)

    monkeypatch.setattr(importing, "match_units", racing)
    third = UPDATED.replace("Новое предложение появилось здесь.", "Ещё одно новое.")
    report = importing.import_article(db, third.encode(), "budget")
    monkeypatch.setattr(importing, "match_units", real)
    # snapshot of the original; then again under the lock, on the racing version
    assert calls[0] == 8 and len(calls) == 3
    assert (report.new, report.obsolete) == (1, 1)  # against UPDATED, not ORIGINAL
    live = [r[0] for r in db.execute(
        "SELECT source FROM units WHERE article_id = 'budget' AND obsolete = 0"
        " ORDER BY position")]
    assert "Ещё одно новое." in live and len(live) == len(set(live))
