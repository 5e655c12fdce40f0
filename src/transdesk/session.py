"""The interactive `next` loop, apart from click: it talks to a `Terminal` of three
callables, so tests and other front ends drive the same code.

Keys (a line that does not start with `:` is a translation):

    text + Enter   save the text (`translated`; in review: a correction, saved
                   `approved` once confirmed with `y`)
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
from typing import TYPE_CHECKING

from transdesk import workflow
from transdesk.errors import TransdeskError
from transdesk.text_safety import refusal, shown

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
    ) -> None:
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
            unit = workflow.next_unit(
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
                workflow.release(self.db, unit["id"], self.lang, self.translator)
            if outcome in ("quit", "eof"):
                self.summary.ended = outcome
                break
        self.term.write(self._closing())
        return self.summary

    def _closing(self) -> str:
        s = self.summary
        return f"{s.saved} saved, {s.skipped} skipped."

    def _work_on(self, unit: dict) -> str:
        view = workflow.unit_view(self.db, unit)
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
                    edited = self.term.edit(editor_text(view))
                except EditorFailed as exc:
                    self.term.write(f"  editor failed: {exc}; type the translation here,"
                                    " or set EDITOR")
                    continue
                edited = None if edited is None else from_editor(edited)
                if not edited:
                    self.term.write("  (editor closed without text: nothing saved)")
                    continue
                text = edited
            elif command.startswith("::"):
                text = line.strip()[1:]
            elif command.startswith(":"):
                self.term.write(f"  unknown command {command!r}: :h for help"
                                " (start a translation with '::' to begin it with ':')")
                continue
            else:
                text = line
            why = refusal(text)
            if why is not None:  # a stray escape key: let the translator type it again
                self.term.write(f"  not saved: {why}; type it again")
                continue
            if self.review and not self._confirm_correction(text):
                continue
            return self._save(unit, text=text)

    def _confirm_correction(self, text: str) -> bool:
        """A reviewer's typed text replaces a colleague's translation and is approved at
        once: ask first, so a line typed by mistake (or meant for a chat) is not saved."""
        answer = self.term.read(f"  save your correction as approved: {text.strip()!r}? [y/N] ")
        if answer is not None and answer.strip().lower() in ("y", "yes"):
            return True
        self.term.write("  (correction not saved) " + keys_line(self.review))
        return False

    def _save(self, unit: dict, text: str | None = None, accept: bool = False) -> str:
        try:
            result = workflow.submit(
                self.db, unit["id"], self.lang, self.translator, text=text, accept=accept,
                approve=self.review,
            )
        except TransdeskError as exc:
            self.term.write(f"  not saved: {exc}")
            if text is not None:
                self.term.write(f"  your text: {shown(text.strip())}")
            self.passed_over.add(unit["id"])
            return "refused"
        self.summary.saved += 1
        self.term.write(f"  saved ({result.status})")
        return "saved"


EDITOR_COMMENT = "# "


def editor_text(view: workflow.UnitView) -> str:
    """What `:e` opens: the current text, then the source (and the sentences around it)
    as comment lines, which `from_editor` drops."""
    unit = view.unit
    lines = [view.current["text"] or "", "",
             f"{EDITOR_COMMENT}Write the {view.lang} translation above. Lines starting with"
             f" '{EDITOR_COMMENT}' are ignored.",
             f"{EDITOR_COMMENT}{view.source_lang}: {unit['source']}"]
    if view.previous:
        lines.append(f"{EDITOR_COMMENT}before: {view.previous}")
    if view.following:
        lines.append(f"{EDITOR_COMMENT}after: {view.following}")
    for lang, text in view.others.items():
        lines.append(f"{EDITOR_COMMENT}{lang}: {text}")
    return "\n".join(lines) + "\n"


def from_editor(edited: str) -> str:
    """The translation in an edited `editor_text`: comment lines dropped, ends trimmed."""
    kept = [line for line in edited.splitlines()
            if not line.startswith(EDITOR_COMMENT) and line != EDITOR_COMMENT.strip()]
    return "\n".join(kept).strip()


def help_text(review: bool) -> str:
    if review:
        return HELP.format(save_as=" as a correction (approved, after you confirm: y)",
                           accept="approve the translation as it is")
    return HELP.format(save_as=" (translated)", accept="accept the draft as it is")


def keys_line(review: bool) -> str:
    return KEYS.format(accept_short="approve" if review else "accept")


def render(view: workflow.UnitView, review: bool = False) -> str:
    """The screen for one unit: compact, readable without colour."""
    unit, current = view.unit, view.current
    if review:
        approved, reviewable = view.reviewed
        progress = f"{view.lang} review: {approved} of {reviewable} approved"
    else:
        progress = f"{view.lang} {view.percent:.1f}% done"
    lines = [
        "",
        f"── {unit['article']} · {shown(view.title)}",
        f"   unit {view.number} of {view.count} · {unit['key']} · id {unit['id']} · {progress}",
    ]
    if view.previous:
        lines.append(f"   {'…':>6}  {shown(view.previous)}")
    lines.append(f"   {view.source_lang:>6}▸ {shown(unit['source'])}")
    if view.following:
        lines.append(f"   {'…':>6}  {shown(view.following)}")
    if view.has_text:
        lines.append(f"   {view.lang:>6}▸ {shown(current['text'])}")
        lines.append(f"   {'':>6}  [{_describe(current, view.score)}]")
        if view.tm_source is not None and _differs(view.tm_source, unit["source"]):
            # a near match can mean the opposite: show what differs (an exact one: nothing)
            lines.append(f"   {'memory':>6}  {_diff_line(view.tm_source, unit['source'])}")
            lines.append(f"   {'':>6}  [-only in the remembered source-] {{+only in this one+}}")
    else:
        lines.append(f"   {view.lang:>6}  (no draft)")
    for lang, text in view.others.items():
        status = unit["translations"][lang]["status"]
        lines.append(f"   {lang:>6}  {shown(text)}  [{status}]")
    lines.append("   " + keys_line(review))
    return "\n".join(lines)


def _describe(translation: dict, score: float | None) -> str:
    status, origin = translation["status"], shown(translation["origin"] or "unknown origin")
    parts = [status, origin]
    if score is not None:
        parts[-1] = f"{origin} {score:g}%"
    if translation["translator"] and status in ("translated", "approved"):
        parts.append(f"by {shown(translation['translator'])}")
    return ", ".join(parts)


def _differs(remembered: str, current: str) -> bool:
    return any(op != "=" for op, _text in workflow.word_diff(remembered, current))


def _diff_line(remembered: str, current: str) -> str:
    out = []
    for op, text in workflow.word_diff(remembered, current):
        if op == "=":
            out.append(text)
        elif op == "-":
            out.append(f"[-{text}-]")
        else:
            out.append(f"{{+{text}+}}")
    return shown("".join(out))
