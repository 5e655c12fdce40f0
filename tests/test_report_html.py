"""`report --format html` in a real headless Chromium: screenshots at desktop and phone
size, every chart in the DOM with its numbers, and no request leaving the page."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from helpers_browser import chromium, dom_and_requests, screenshot
from test_report import desk  # noqa: F401  (the fixture: a desk with post-edits)

from transdesk.i18n import _, ngettext

pytestmark = pytest.mark.skipif(chromium() is None and not os.environ.get("CI"),
                                reason="chromium not installed (required in CI)")
CHARTS = ("progress", "translators", "effort", "queue")


@pytest.fixture
def page(desk, tmp_path) -> tuple[Path, dict]:  # noqa: F811
    desk("plan", "ru-budget", "--lang", "en", "--due", "2020-01-01T00:00")
    out = tmp_path / "desk.html"
    result = desk("report", "--format", "html", "-o", str(out))
    assert result.exit_code == 0, result.output
    data = json.loads(desk("report", "--format", "json").stdout)
    return out, data


def figure(dom: str, name: str) -> str:
    match = re.search(rf'<figure class="chart" id="chart-{name}">(.*?)</figure>', dom, re.DOTALL)
    assert match, f"chart {name} missing"
    return match[1]


def svg_texts(block: str) -> list[str]:
    return [re.sub(r"\s+", " ", t).strip() for t in re.findall(r"<text[^>]*>(.*?)</text>", block,
                                                                re.DOTALL)]


def test_page_is_self_contained(page):
    html = page[0].read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "<script" not in html and "<link" not in html and "@import" not in html
    assert not re.search(r"url\((?!#)|src=", html)  # clip paths are url(#id): in the page
    # the only URLs are the SVG namespace names, which are never fetched
    urls = set(re.findall(r'"(https?://[^"]*)"', html))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    assert not re.search(r'href="(?!#)', html)  # links inside a chart point into the page only
    assert html.count("<svg") == len(CHARTS)


def test_page_in_chromium_at_desktop_and_phone_size(page, tmp_path):
    out, data = page
    for size in ((1280, 900), (390, 844)):
        shot = screenshot(out, size, tmp_path)
        assert len(shot) > 20_000  # charts and tables, not a blank page
        keep = os.environ.get("TRANSDESK_KEEP_SCREENSHOT")
        if keep:
            shutil.copy(tmp_path / f"shot-{size[0]}x{size[1]}.png", f"{keep}.{size[0]}.png")

    dom, requests = dom_and_requests(out, tmp_path)
    assert requests == []
    for name in CHARTS:
        assert "<svg" in figure(dom, name) and "<figcaption>" in figure(dom, name)

    progress = svg_texts(figure(dom, "progress"))
    en = next(r for r in data["progress"]["daily"] if r["lang"] == "en")
    assert str(en["cumulative"]) in progress and "en" in progress  # the line's last value

    people = svg_texts(figure(dom, "translators"))
    for row in data["translators"]:
        assert row["translator"] in people and f"{row['units_per_hour']:.1f}" in people

    effort = svg_texts(figure(dom, "effort"))
    for row in data["postedit"]["by_origin"]:
        if row["measured"]:
            assert f"n={row['measured']}" in effort  # a box per origin, with its count
        assert f"{row['median_seconds']:.0f}s" in effort
    assert _("chrF (100 = draft kept)") in effort

    queue = svg_texts(figure(dom, "queue"))
    for row in data["queue"]["ages"]:
        assert row["lang"] in queue and str(row["waiting"]) in queue
    late = len(data["queue"]["late"])
    assert ngettext("Late: {n} language past the deadline", "Late: {n} languages past the deadline",
                    late).format(n=late) in dom
    assert re.search(r'<tr class="late"><td>ru-budget</td><td>en</td>', dom)

    tables = re.sub(r"<figure.*?</figure>", "", dom, flags=re.DOTALL)
    for row in data["postedit"]["by_origin"]:
        chrf = "-" if row["chrf"] is None else f"{row['chrf']:.2f}"
        assert f"<td>{row['origin']}</td><td>{row['count']}</td><td>{row['measured']}</td>" \
               f"<td>{chrf}</td>" in tables


def test_the_request_check_sees_a_page_that_reaches_out(tmp_path):
    """The network check is real: a page with a remote image is caught."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><img src="http://127.0.0.1:9/pixel.png">', encoding="utf-8")
    _dom, requests = dom_and_requests(bad, tmp_path)
    assert requests == ["http://127.0.0.1:9/pixel.png"]
