"""The interactive `next` loop, apart from click: it talks to a `Terminal` of three
callables, so tests and other front ends drive the same code.

Keys (a line that does not start with `:` is a translation):

    text + Enter   save the text (`translated`; in review: a correction, `approved`)
    :a             accept the draft as it is (in review: approve the translation)
    :e             write the translation in $EDITOR (long sentences)
    :s             skip: release the unit and go on to the next one
    :q             quit (the unit is released)
    :h             help
    ::text         save a translation that itself starts with `:`

An empty line saves nothing (an accidental Enter must not accept a machine draft that
may say the opposite of the source); it shows a reminder of the keys. End of input
(Ctrl-D, a closed pipe) ends the session like `:q`; Ctrl-C releases the unit and stops.
Every save is committed at once, so nothing typed before is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from transdesk import workflow
from transdesk.errors import TransdeskError

if TYPE_CHECKING:
    from sqlite_utils import Database

HELP = """\
  text + Enter  save this translation{save_as}
  :a            {accept}
  :e            open the text in $EDITOR
  :s            skip this unit (someone else may take it)
  :q            quit (end of input, Ctrl-D, does the same)
  :h            this help
  ::text        a translation that starts with ':'
  (an empty line saves nothing)"""
KEYS = ":a {accept_short} · :e editor · :s skip · :q quit · :h help"


class EditorFailed(Exception):
    """Raised by `Terminal.edit` when the editor cannot run; the session goes on."""


@dataclass
class Terminal:
    """How the session reads and writes: `read(prompt)` returns a line without its end,
    or None at end of input; `edit(text)` returns the edited text or None, or raises
    EditorFailed."""

    read: Callable[[str], str | None]
    write: Callable[[str], None]
    edit: Callable[[str], str | None]


@dataclass
class Summary:
    saved: int = 0
    skipped: int = 0
    ended: str = "done"  # done (nothing left), quit, eof


class Session:
    def __init__(
        self,
        db: Database,
        terminal: Terminal,
        lang: str,
        translator: str,
        article: str | None = None,
        review: bool = False,
        claim_minutes: float = workflow.DEFAULT_CLAIM_MINUTES,
        work: Any = workflow,
    ) -> None:
        # `work` does the claiming and saving: the `workflow` module on SQLite, a
        # `storage.claims.ReconnectingWork` on PostgreSQL (same functions, same arguments)
        self.work = work
        self.db = db
        self.term = terminal
        self.lang = lang
        self.translator = translator
        self.article = article
        self.review = review
        self.claim_minutes = claim_minutes
        self.passed_over: set[int] = set()
        self.summary = Summary()

    def run(self) -> Summary:
        """Hand out units until none is left or the translator quits."""
        while True:
            unit = self.work.next_unit(
                self.db, self.lang, self.translator, self.article, self.review,
                self.claim_minutes, exclude=self.passed_over,
            )
            if unit is None:
                what = "to review" if self.review else "to translate"
                self.term.write(f"Nothing left {what} in {self.lang}.")
                break
            try:
                outcome = self._work_on(unit)
            finally:
                # quit, end of input, Ctrl-C or an error: never leave the unit blocked
                self.work.release(self.db, unit["id"], self.lang, self.translator)
            if outcome in ("quit", "eof"):
                self.summary.ended = outcome
                break
        self.term.write(self._closing())
        return self.summary

    def _closing(self) -> str:
        s = self.summary
        return f"{s.saved} saved, {s.skipped} skipped."

    def _work_on(self, unit: dict) -> str:
        view = self.work.unit_view(self.db, unit)
        self.term.write(render(view, self.review))
        prompt = f"{self.lang}> "
        while True:
            line = self.term.read(prompt)
            if line is None:
                return "eof"
            command = line.strip()
            if command == ":q":
                return "quit"
            if command == ":s":
                self.passed_over.add(unit["id"])
                self.summary.skipped += 1
                return "skip"
            if command in (":h", ":?", ":help"):
                self.term.write(help_text(self.review))
                continue
            if command == "":
                self.term.write("  (nothing saved) " + keys_line(self.review))
                continue
            if command == ":a":
                if not view.has_text:
                    self.term.write("  no draft to accept: type a translation, or :s to skip")
                    continue
                return self._save(unit, accept=True)
            if command == ":e":
                try:
                    edited = self.term.edit(view.current["text"] or "")
                except EditorFailed as exc:
                    self.term.write(f"  editor failed: {exc}; type the translation here,"
                                    " or set EDITOR")
                    continue
                if edited is None or not edited.strip():
                    self.term.write("  (editor closed without text: nothing saved)")
                    continue
                return self._save(unit, text=edited)
            if command.startswith("::"):
                return self._save(unit, text=line.strip()[1:])
            if command.startswith(":"):
                self.term.write(f"  unknown command {command!r}: :h for help"
                                " (start a translation with '::' to begin it with ':')")
                continue
            return self._save(unit, text=line)

    def _save(self, unit: dict, text: str | None = None, accept: bool = False) -> str:
        try:
            result = self.work.submit(
                self.db, unit["id"], self.lang, self.translator, text=text, accept=accept,
                approve=self.review,
            )
        except TransdeskError as exc:
            self.term.write(f"  not saved: {exc}")
            if text is not None:
                self.term.write(f"  your text: {text.strip()}")
            self.passed_over.add(unit["id"])
            return "refused"
        self.summary.saved += 1
        self.term.write(f"  saved ({result.status})")
        return "saved"


def help_text(review: bool) -> str:
    if review:
        return HELP.format(save_as=" as a correction (approved)",
                           accept="approve the translation as it is")
    return HELP.format(save_as=" (translated)", accept="accept the draft as it is")


def keys_line(review: bool) -> str:
    return KEYS.format(accept_short="approve" if review else "accept")


def render(view: workflow.UnitView, review: bool = False) -> str:
    """The screen for one unit: compact, readable without colour."""
    unit, current = view.unit, view.current
    lines = [
        "",
        f"── {unit['article']} · {view.title}",
        f"   unit {view.number} of {view.count} · {unit['key']} · id {unit['id']}"
        f" · {view.lang} {view.percent:.1f}% done",
    ]
    if view.previous:
        lines.append(f"   {'…':>6}  {view.previous}")
    lines.append(f"   {view.source_lang:>6}▸ {unit['source']}")
    if view.following:
        lines.append(f"   {'…':>6}  {view.following}")
    if view.has_text:
        lines.append(f"   {view.lang:>6}▸ {current['text']}")
        lines.append(f"   {'':>6}  [{_describe(current, view.score)}]")
        if view.tm_source is not None:
            lines.append(f"   {'memory':>6}  {_diff_line(view.tm_source, unit['source'])}")
            lines.append(f"   {'':>6}  [-only in the remembered source-] {{+only in this one+}}")
    else:
        lines.append(f"   {view.lang:>6}  (no draft)")
    for lang, text in view.others.items():
        status = unit["translations"][lang]["status"]
        lines.append(f"   {lang:>6}  {text}  [{status}]")
    lines.append("   " + keys_line(review))
    return "\n".join(lines)


def _describe(translation: dict, score: float | None) -> str:
    status, origin = translation["status"], translation["origin"] or "unknown origin"
    parts = [status, origin]
    if score is not None:
        parts[-1] = f"{origin} {score:g}%"
    if translation["translator"] and status in ("translated", "approved"):
        parts.append(f"by {translation['translator']}")
    return ", ".join(parts)


def _diff_line(remembered: str, current: str) -> str:
    out = []
    for op, text in workflow.word_diff(remembered, current):
        if op == "=":
            out.append(text)
        elif op == "-":
            out.append(f"[-{text}-]")
        else:
            out.append(f"{{+{text}+}}")
    return "".join(out)
