"""The aligned TSV view of an article in one language: key, source, target, status."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from transdesk.view import ArticleView

TSV_HEADER = ("key", "source", "target", "status")
# What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection"): these
# first characters, tab and carriage return included.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def aligned_tsv(view: ArticleView, safe_for_spreadsheets: bool = False) -> bytes:
    """Key, source, target, status per unit, with a header row.

    Fields holding tabs, newlines or quotes are quoted the csv way, so any TSV reader
    that follows RFC 4180 quoting (csv, pandas, LibreOffice) reads the exact text back.
    `safe_for_spreadsheets` gives up that exactness: a cell that starts like a formula
    gets a leading `'`, so that a spreadsheet shows it as text instead of running it.
    """
    cell = spreadsheet_text if safe_for_spreadsheets else str
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(TSV_HEADER)
    for unit in view.units:
        writer.writerow(tuple(cell(value) for value in
                              (unit.key, unit.source, unit.target or "", unit.status)))
    return buffer.getvalue().encode("utf-8")


def spreadsheet_text(value: str) -> str:
    """`value`, with a leading `'` when a spreadsheet would take it for a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value
