"""The aligned TSV view of an article in one language: key, source, target, status."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from transdesk.view import ArticleView

TSV_HEADER = ("key", "source", "target", "status")


def aligned_tsv(view: ArticleView) -> bytes:
    """Key, source, target, status per unit, with a header row.

    Fields holding tabs, newlines or quotes are quoted the csv way, so any TSV reader
    that follows RFC 4180 quoting (csv, pandas, LibreOffice) reads the exact text back.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(TSV_HEADER)
    for unit in view.units:
        writer.writerow((unit.key, unit.source, unit.target or "", unit.status))
    return buffer.getvalue().encode("utf-8")
