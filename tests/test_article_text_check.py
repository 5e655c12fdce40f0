"""`has_article_text`, the cheap pre-check before parsing, stops at the first line with
text: it must still see text wherever it is, and none where there is none."""

from __future__ import annotations

import pytest

from transdesk.article import has_article_text


@pytest.mark.parametrize("text", [
    "RU  UA  EN\n\n\n  \nTitle\n",
    "\n" * 500 + "last line, no newline",
    "RU UA EN\r\nТекст\r\n",
    "RU  UA  EN\r\rЗаголовок",
    "x",
])
def test_text_is_seen_past_blank_and_switcher_lines(text):
    assert has_article_text(text)


@pytest.mark.parametrize("text", [
    "RU  UA  EN\n\n \t\n\r\n",
    "RU | UA | EN",
    "\n\n\n",
    "RU UA EN\nEN / RU\n",
])
def test_no_text_is_seen_where_there_is_none(text):
    assert not has_article_text(text)
