"""export --format html: a self-contained, escaped, responsive review page, rendered in
a real headless Chromium (screenshot at phone size, DOM dump)."""

from __future__ import annotations

import os
import re
import shutil
import struct
from pathlib import Path

import pytest
from helpers_browser import browser
from helpers_export import translate

from transdesk.i18n import _

EVIL = '<script>alert("x")</script> & <b>bold</b>'


@pytest.fixture
def page(run, samples, tmp_path) -> Path:
    assert run("import", str(samples / "ru-budget.txt")).exit_code == 0
    translate(run.db_path, "ru-budget", "uk",
              text=lambda key, src: None if key == "p4.s2" else (
                  EVIL if key == "p1.s1" else f"[uk] {src}"),
              status=lambda key: {"p2.s1": "draft", "title": "approved"}.get(key, "translated"))
    out = tmp_path / "review" / "ru-budget.uk.html"
    result = run("export", "ru-budget", "--lang", "uk", "--format", "html", "-o", str(out))
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.english
def test_page_is_self_contained_and_escaped(page, run):
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "<script" not in html and "<link" not in html
    assert not re.search(r"(src|href)=|url\(|@import|https?://", html)
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;" in html
    assert "@media (max-width: 700px)" in html
    units = run.json("units", "ru-budget")
    assert html.count('<div class="unit ') == len(units) == 12
    assert '<strong id="percent">83.3%</strong> complete (10 of 12 units)' in html
    assert 'class="unit s-draft" id="u-p2.s1"' in html
    assert 'class="unit s-untranslated" id="u-p4.s2"' in html


def test_page_in_a_real_browser_at_phone_size(page, tmp_path, run):
    shot = tmp_path / "shot.png"
    result = browser([f"--screenshot={shot}", "--window-size=390,844",
                      page.resolve().as_uri()], tmp_path / "profile")
    assert shot.exists(), result.stderr.decode(errors="replace")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (390, 844)
    assert len(data) > 20_000  # text and colours, not a blank page
    keep = os.environ.get("TRANSDESK_KEEP_SCREENSHOT")
    if keep:
        shutil.copy(shot, keep)

    dom = browser(["--dump-dom", page.resolve().as_uri()], tmp_path / "profile2")
    assert dom.returncode == 0, dom.stderr.decode(errors="replace")
    text = dom.stdout.decode("utf-8")
    units = run.json("units", "ru-budget")
    for unit in units:
        assert f'id="u-{unit["key"]}"' in text
    assert text.count('class="key"') == len(units)
    assert "<script>alert" not in text  # stayed text, never became an element
    assert "&lt;script&gt;alert" in text
    assert "[uk] " + units[-1]["source"] not in text  # p4.s2 untranslated
    assert _("(untranslated)") in text  # the label in the interface language
