"""The report as text, JSON, JUnit XML or GitHub workflow annotations.

Only the text format speaks the interface language; JSON, JUnit and the GitHub
annotations (summary line included) are machine formats and stay in English.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from typing import Any

from transdesk.check.report import LangResult, Report
from transdesk.i18n import N_, _, interface_language, ngettext, translations
from transdesk.registry import Registry
from transdesk.text_safety import json_text, shown_lines

# name -> renderer (report -> the chunks of text to print, read once in article order)
RENDERERS: Registry[Callable[[Report], Iterator[str]]] = Registry("format", {
    "text": "transdesk.check.render:render_text",
    "json": "transdesk.check.render:render_json",
    "junit": "transdesk.check.render:render_junit",
    "github": "transdesk.check.render:render_github",
})
FORMATS = RENDERERS.names()


def render(report: Report, fmt: str = "text") -> str:
    """The report in one of FORMATS, as the text to print (ending in a newline)."""
    return "".join(chunks(report, fmt))


def chunks(report: Report, fmt: str = "text") -> Iterator[str]:
    """The report in one of FORMATS, a piece at a time (the results are read once, as
    they come: a report of a whole archive is never held).

    Stored text (sources, translations, notes) may hold control characters an older
    version let in: escaped in the text and GitHub formats (a terminal, a CI log) and
    in JSON (see `text_safety`)."""
    escape = {"text": shown_lines, "github": shown_lines, "json": json_text}.get(fmt)
    pending: list[str] = []
    size = 0
    for chunk in RENDERERS.get(fmt)(report):
        pending.append(chunk)
        size += len(chunk)
        if size >= 1 << 16:  # a write per 64 KB, not per article
            text = "".join(pending)
            yield escape(text) if escape else text
            pending, size = [], 0
    text = "".join(pending)
    if text:
        yield escape(text) if escape else text


def _spooled() -> Any:
    """A temporary file for what must come after a head known only at the end."""
    import tempfile

    return tempfile.TemporaryFile("w+", encoding="utf-8")


def _copy(spool: Any) -> Iterator[str]:
    spool.seek(0)
    while chunk := spool.read(1 << 16):
        yield chunk


# the severity of an open finding (Report.severity) as the text report names it
SEVERITY_WORDS = {"warning": N_("warning"), "error": N_("error")}


def summary_line(report: Report, translated: bool = True) -> str:
    """`3 articles, 2 languages: 1 incomplete (5 units missing), 2 warnings`, in the
    interface language, or in English (`translated=False`) for the machine formats."""
    catalog = translations(interface_language() if translated else "en")
    c = report.counts()
    line = catalog.gettext("{articles}, {languages}: {incomplete} incomplete").format(
        articles=catalog.ngettext("{count} article", "{count} articles", c["articles"])
        .format(count=c["articles"]),
        languages=catalog.ngettext("{count} language", "{count} languages", c["languages"])
        .format(count=c["languages"]),
        incomplete=c["incomplete_articles"])
    if c["missing"]:
        line += " " + catalog.ngettext("({count} unit missing)", "({count} units missing)",
                                       c["missing"]).format(count=c["missing"])
    if report.strict:
        line += ", " + catalog.ngettext("{count} failure", "{count} failures",
                                        c["failures"]).format(count=c["failures"])
    else:
        line += ", " + catalog.ngettext("{count} warning", "{count} warnings",
                                        c["warnings"]).format(count=c["warnings"])
    if c["accepted"]:
        line += ", " + catalog.gettext("{count} accepted").format(count=c["accepted"])
    if report.ignored:
        line += " " + catalog.gettext("(ignored: {checks})").format(
            checks=", ".join(report.ignored))
    return line


def _findings(count: int, severity: str) -> str:
    """`2 warnings`, or with --strict (severity `error`) `2 failures`."""
    if severity == "error":
        return ngettext("{count} failure", "{count} failures", count).format(count=count)
    return ngettext("{count} warning", "{count} warnings", count).format(count=count)


def _where(article: str, key: str, lang: str) -> str:
    return f"{article}:{key} [{lang}]"


def render_text(report: Report) -> Iterator[str]:
    """Grouped by article, only what needs attention, then the summary line."""
    last_article = None
    severity = _(SEVERITY_WORDS[report.severity])
    counted: dict[int, str] = {}
    minimum = report.min_percent
    for r in report.each():
        open_findings = r.open_findings if r.findings else r.findings
        if not r.missing and not open_findings:
            continue
        lines: list[str] = []
        below = r.below(minimum)
        if r.article != last_article:
            lines.append(r.article)
            last_article = r.article
        state = []
        if r.missing:
            count = len(r.missing)
            if below:
                state.append(ngettext("incomplete: {count} unit missing",
                                      "incomplete: {count} units missing", count)
                             .format(count=count))
            else:
                state.append(ngettext("{count} unit missing (allowed by --min {min})",
                                      "{count} units missing (allowed by --min {min})", count)
                             .format(count=count, min=f"{minimum:g}"))
        if open_findings:
            count = len(open_findings)
            if count not in counted:  # once per count: a big report has few distinct ones
                counted[count] = _findings(count, report.severity)
            state.append(counted[count])
        lines.append(f"  {r.lang}  {r.percent:5.1f}%  " + ", ".join(state))
        where = f"    {r.article}:"
        if below:  # units missing within --min are counted, not listed
            lines += [f"{where}{m.key} [{r.lang}] {m.status}" for m in r.missing]
        lines += [f"{where}{p.key} [{r.lang}] {severity} {p.check}: {p.message}"
                  for p in open_findings]
        yield "\n".join(lines) + "\n"
    yield summary_line(report) + "\n"


def report_dict(report: Report) -> dict[str, Any]:
    """The JSON shape (stable keys; see `render_json`)."""
    results = [_result_dict(report, r) for r in report.each()]
    return {**_head_dict(report), "results": results}


def _result_dict(report: Report, r: LangResult) -> dict[str, Any]:
    return {
            "article": r.article,
            "lang": r.lang,
            "file": r.file,
            "units": r.units,
            "done": r.done,
            "percent": r.percent,
            "complete": r.done == r.units,
            "passed": not report.failed(r),
            "missing": [{"key": m.key, "status": m.status, "source": m.source}
                        for m in r.missing],
            "findings": [
                {"key": p.key, "check": p.check, "severity": "accepted" if p.accepted
                 else report.severity, "message": p.message, "source": p.source,
                 "translation": p.translation, "note": p.note}
                for p in r.findings
            ],
        }


def _head_dict(report: Report) -> dict[str, Any]:
    return {
        "ok": report.exit_code == 0,
        "exit_code": report.exit_code,
        "source": report.source,
        "min": report.min_percent,
        "strict": report.strict,
        "ignored": list(report.ignored),
        "summary": report.counts(),
    }


_COMPACT = json.JSONEncoder(ensure_ascii=False)
_JSON_BOOL = {True: "true", False: "false"}


def _result_json(report: Report, r: LangResult, severity: str) -> str:
    """`_COMPACT.encode(_result_dict(report, r))`, the same text written directly: json's
    own C string escaper for each string (`encode_basestring`), no dict built per
    finding (a third of the time of a big report). Anything unusual (a value that is
    not a string, a float that is not finite) goes the long way."""
    try:
        missing = ", ".join([
            f'{{"key": {_quoted(m.key)}, "status": {_quoted(m.status)},'
            f' "source": {_quoted(m.source)}}}' for m in r.missing])
        findings = ", ".join([
            f'{{"key": {_quoted(p.key)}, "check": {_quoted(p.check)}, "severity":'
            f' {_ACCEPTED if p.accepted else severity}, "message": {_quoted(p.message)},'
            f' "source": {_quoted(p.source)}, "translation": {_quoted(p.translation)},'
            f' "note": {"null" if p.note is None else _quoted(p.note)}}}'
            for p in r.findings])
        percent = r.percent
        if type(percent) is not float or percent - percent != 0.0:  # (nan, inf)
            raise TypeError(percent)
        return (
            f'{{"article": {_quoted(r.article)}, "lang": {_quoted(r.lang)}, "file":'
            f' {"null" if r.file is None else _quoted(r.file)}, "units": {int(r.units)},'
            f' "done": {int(r.done)}, "percent": {percent!r}, "complete":'
            f' {_JSON_BOOL[r.done == r.units]}, "passed": {_JSON_BOOL[not report.failed(r)]},'
            f' "missing": [{missing}], "findings": [{findings}]}}')
    except (TypeError, KeyError):
        return _COMPACT.encode(_result_dict(report, r))


_quoted = json.encoder.encode_basestring  # type: ignore[attr-defined]  # (ensure_ascii=False)
_ACCEPTED = _quoted("accepted")


def render_json(report: Report) -> Iterator[str]:
    """`{"ok", "exit_code", "source", "min", "strict", "ignored", "summary", "results"}`;
    one result per article and language with `missing` and `findings` lists.

    The top level is indented and each result takes one line: json's C encoder does
    not indent, and the pure-Python one costs about a second per 10,000 articles. The
    results wait in a temporary file (written 64 KB at a time) until the summary that
    comes before them is known."""
    severity = _quoted(report.severity)
    with _spooled() as spool:
        pending: list[str] = []
        size, written = 0, False
        for r in report.each():
            line = _result_json(report, r, severity)
            pending.append(line)
            size += len(line)
            if size >= 1 << 16:
                spool.write((",\n    " if written else "") + ",\n    ".join(pending))
                pending, size, written = [], 0, True
        if pending:
            spool.write((",\n    " if written else "") + ",\n    ".join(pending))
        head = json.dumps(_head_dict(report), ensure_ascii=False, indent=2)[:-2]  # no "\n}"
        if not spool.tell():
            yield head + ',\n  "results": []\n}\n'
            return
        yield head + ',\n  "results": [\n    '
        yield from _copy(spool)
    yield "\n  ]\n}\n"


def render_junit(report: Report) -> Iterator[str]:
    """JUnit XML: a testsuite per article, a testcase per language (classname = article,
    name = language); a `<failure>` lists the missing units and, with --strict, the
    findings; without --strict the warnings go to `<system-out>`."""
    import xml.etree.ElementTree as ET
    from xml.sax.saxutils import quoteattr

    total = failures = 0
    with _spooled() as spool:
        for article, group in itertools.groupby(report.each(), key=lambda r: r.article):
            results = list(group)
            failed = sum(1 for r in results if report.failed(r))
            suite = _junit_suite(report, article, results, failed)
            ET.indent(suite, level=1)
            spool.write("\n  " + ET.tostring(suite, encoding="unicode"))
            total += len(results)
            failures += failed
        yield "<?xml version='1.0' encoding='utf-8'?>\n"
        attributes = (f"<testsuites name={quoteattr('transdesk check')} tests=\"{total}\""
                      f" failures=\"{failures}\" errors=\"0\"")
        if not spool.tell():
            yield attributes + " />\n"
            return
        yield attributes + ">"
        yield from _copy(spool)
    yield "\n</testsuites>\n"


def _junit_suite(report: Report, article: str, results: list[LangResult], failed: int) -> Any:
    import xml.etree.ElementTree as ET

    suite = ET.Element("testsuite", name=article, tests=str(len(results)),
                       failures=str(failed), errors="0", skipped="0")
    for r in results:
        case = ET.SubElement(suite, "testcase", classname=article, name=r.lang)
        if r.file:
            case.set("file", r.file)
        finding_lines = [f"{_where(r.article, p.key, r.lang)} {p.check}: {p.message}"
                         for p in r.open_findings]
        if report.failed(r):
            messages, body = [], []
            if r.below(report.min_percent):
                count = len(r.missing)
                messages.append(f"{count} {'unit' if count == 1 else 'units'} missing"
                                f" ({r.percent:g}% < {report.min_percent:g}%)")
                body += [f"{_where(r.article, m.key, r.lang)} {m.status}" for m in r.missing]
            if report.strict and r.open_findings:
                count = len(r.open_findings)
                messages.append(f"{count} {'check' if count == 1 else 'checks'} failed")
                body += finding_lines
            failure = ET.SubElement(case, "failure", message="; ".join(messages),
                                    type="incomplete" if r.below(report.min_percent)
                                    else "quality")
            failure.text = "\n".join(body)
        elif finding_lines:
            ET.SubElement(case, "system-out").text = "\n".join(
                f"warning {line}" for line in finding_lines)
    return suite


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def _gh_line(level: str, r: LangResult, line: int | None, title: str, message: str) -> str:
    props = []
    if r.file:
        props.append(f"file={_gh_property(r.file)}")
        if line:
            props.append(f"line={line}")
    props.append(f"title={_gh_property(title)}")
    return f"::{level} {','.join(props)}::{_gh_data(message)}"


def render_github(report: Report) -> Iterator[str]:
    """GitHub workflow commands: `::error` for each missing unit of a language below
    --min, `::warning` (or `::error` with --strict) for each finding, then the summary.
    From catalogs, `file=` is the PO file and `line=` its entry; from the database there
    is no file to point at, so the title names `article:key [lang]`."""
    for r in report.each():
        lines = []
        if r.below(report.min_percent):
            for m in r.missing:
                where = _where(r.article, m.key, r.lang)
                lines.append(_gh_line("error", r, m.line, f"{where} {m.status}",
                                      f"{where} is {m.status}: {m.source}"))
        for p in r.open_findings:
            where = _where(r.article, p.key, r.lang)
            lines.append(_gh_line(report.severity, r, p.line, f"{p.check} {where}",
                                  f"{where} {p.check}: {p.message}"))
        if lines:
            yield "\n".join(lines) + "\n"
    yield summary_line(report, translated=False) + "\n"
