"""TBX and glossary CSV: reading, writing, a round trip through translate-toolkit's
TBX reader, and malformed or hostile input."""

from __future__ import annotations

from pathlib import Path

import pytest
from translate.storage.tbx import tbxfile

from transdesk.errors import BadInput
from transdesk.terms import csvio, tbx
from transdesk.terms.model import Concept

DATA = Path(__file__).parent / "data" / "terms"


def kyiv() -> Concept:
    c = Concept(note="the capital")
    c.add("uk", "Київ")
    c.add("ru", "Киев")
    c.add("en", "Kyiv")
    c.add("en", "Kiev", "forbidden")
    return c


def test_written_tbx_reads_back_in_translate_toolkit():
    data = tbx.write_tbx([kyiv()])
    store = tbxfile.parsestring(data)
    (unit,) = store.units
    assert [t.text for t in unit.get_source_terms()] == ["Киев"]
    uk = unit.get_target_terms("uk")
    en = unit.get_target_terms("en")
    assert [t.text for t in uk] == ["Київ"]
    assert [(t.text, t.deprecated) for t in en] == [("Kyiv", False), ("Kiev", True)]
    assert "the capital" in [n.text for n in unit.get_common_notes(source=True)]


def test_tbx_written_by_translate_toolkit_reads_here():
    store = tbxfile(sourcelanguage="uk", targetlanguage="en")
    unit = store.addsourceunit("Верховна Рада")
    unit.settarget("Verkhovna Rada")
    unit.addnote("the parliament")
    (concept,) = tbx.read_tbx(bytes(store))
    assert concept.preferred("uk") == "Верховна Рада"
    assert concept.preferred("en") == "Verkhovna Rada"


def test_own_round_trip_keeps_everything():
    c = kyiv()
    c.add("uk", "Кийів", "forbidden")
    c.add("en", "Kyiv city", "admitted")
    c.case_sensitive = True
    (back,) = tbx.read_tbx(tbx.write_tbx([c]))
    assert back.as_dict()["terms"] == c.as_dict()["terms"]
    assert back.note == "the capital" and back.case_sensitive


def test_superseded_and_deprecated_are_forbidden_and_2019_form_reads():
    concepts = tbx.read_tbx((DATA / "termbase-2019.tbx").read_bytes())
    assert [c.preferred("en") for c in concepts] == ["Kyiv", "Ukraine"]
    assert concepts[0].of("en", "forbidden") == ["Kiev", "Kiew"]
    assert concepts[1].of("en", "forbidden") == ["the Ukraine"]


def test_the_test_termbase_reads():
    concepts = tbx.read_tbx((DATA / "termbase.tbx").read_bytes())
    assert len(concepts) == 14
    assert concepts[3].of("en", "admitted") == ["Zelenskyy"]


@pytest.mark.english
@pytest.mark.parametrize("data, words", [
    (b"<martif><text><body><termEntry>", "malformed TBX"),
    (b"<html/>", "not <martif> or <tbx>"),
    (b"<martif><text><body/></text></martif>", "no termEntry"),
    (b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
     b"<martif>&x;</martif>", "malformed TBX"),
    (b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
     b"<martif>&b;</martif>", "malformed TBX"),
    (b'<martif><text><body><termEntry><langSet xml:lang="de"><tig><term>Kiew</term></tig>'
     b"</langSet></termEntry></body></text></martif>", "unsupported language 'de'"),
])
def test_bad_tbx_is_one_line(data, words):
    with pytest.raises(BadInput, match=words) as info:
        tbx.read_tbx(data, "x.tbx")
    assert "\n" not in str(info.value)


def test_csv_weblate_layout_with_forbidden_rows():
    data = ("source,target,note\nКиїв,Kyiv,capital\nКиїв,Kiev,forbidden\n"
            "Верховна Рада,Verkhovna Rada,\n").encode()
    concepts = csvio.read_csv(data, "g.csv", "uk", "en")
    assert [c.preferred("en") for c in concepts] == ["Kyiv", "Verkhovna Rada"]
    assert concepts[0].of("en", "forbidden") == ["Kiev"] and concepts[0].note == "capital"
    again = csvio.read_csv(csvio.write_csv(concepts, "g.csv", "uk", "en"), "g.csv", "uk", "en")
    assert [c.as_dict() for c in again] == [c.as_dict() for c in concepts]


def test_tsv_omegat_layout():
    concepts = csvio.read_csv("Київ\tKyiv\tcapital\n".encode(), "g.txt", "uk", "en")
    assert concepts[0].preferred("uk") == "Київ" and concepts[0].note == "capital"


@pytest.mark.english
@pytest.mark.parametrize("data", [b"\xff\xfe\x00bad", b'"unclosed,quote\n', b"only-one-column\n"])
def test_bad_csv_is_one_line(data):
    with pytest.raises(BadInput, match="malformed glossary"):
        csvio.read_csv(data, "g.csv", "uk", "en")
