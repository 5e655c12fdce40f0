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
from typing import TYPE_CHECKING, Any

from transdesk import desk_style, workflow
from transdesk.errors import TransdeskError
from transdesk.i18n import N_, _, ngettext, status_label
from transdesk.text_safety import refusal, shown

if TYPE_CHECKING:
    from sqlite_utils import Database

HELP = N_("""\
  text + Enter  save this translation{save_as}
  :a            {accept}
  :e            open the text in $EDITOR
  :s            skip this unit (someone else may take it)
  :q            quit (end of input, Ctrl-D, does the same)
  :h            this help
  ::text        a translation that starts with ':'
  (an empty line saves nothing)""")
KEYS = N_(":a {accept_short} · :e editor · :s skip · :q quit · :h help")
#: What a reviewer types to confirm a correction: y/yes in every interface language,
#: and the language's own word.
CONFIRM = ("y", "yes", "т", "так", "д", "да")


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
                message = (_("Nothing left to review in {lang}.") if self.review
                           else _("Nothing left to translate in {lang}."))
                self.term.write(message.format(lang=self.lang))
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
        saved = ngettext("{count} saved", "{count} saved", s.saved).format(count=s.saved)
        skipped = ngettext("{count} skipped", "{count} skipped", s.skipped).format(
            count=s.skipped)
        return _("{saved}, {skipped}.").format(saved=saved, skipped=skipped)

    def _work_on(self, unit: dict) -> str:
        view = self.work.unit_view(self.db, unit)
        if self.work is workflow:
            desk_style.use(self.db)  # the termbase, for the screen
        # (on PostgreSQL `transdesk_next` sent the termbase along and made it active)
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
                self.term.write("  " + _("(nothing saved)") + " " + keys_line(self.review))
                continue
            if command == ":a":
                if not view.has_text:
                    self.term.write("  " + _("no draft to accept: type a translation, or :s to"
                                             " skip"))
                    continue
                return self._save(unit, accept=True)
            if command == ":e":
                try:
                    edited = self.term.edit(editor_text(view))
                except EditorFailed as exc:
                    self.term.write("  " + _("editor failed: {error}; type the translation"
                                             " here, or set EDITOR").format(error=exc))
                    continue
                edited = None if edited is None else from_editor(edited)
                if not edited:
                    self.term.write("  " + _("(editor closed without text: nothing saved)"))
                    continue
                text = edited
            elif command.startswith("::"):
                text = line.strip()[1:]
            elif command.startswith(":"):
                self.term.write("  " + _("unknown command {command}: :h for help (start a"
                                         " translation with '::' to begin it with ':')")
                                .format(command=repr(command)))
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
        answer = self.term.read("  " + _("save your correction as approved: {text}? [y/N] ")
                                .format(text=repr(text.strip())))
        if answer is not None and answer.strip().lower() in CONFIRM:
            return True
        self.term.write("  " + _("(correction not saved)") + " " + keys_line(self.review))
        return False

    def _save(self, unit: dict, text: str | None = None, accept: bool = False) -> str:
        try:
            result = self.work.submit(
                self.db, unit["id"], self.lang, self.translator, text=text, accept=accept,
                approve=self.review,
            )
        except TransdeskError as exc:
            self.term.write("  " + _("not saved: {error}").format(error=exc))
            if text is not None:
                self.term.write("  " + _("your text: {text}").format(text=shown(text.strip())))
            self.passed_over.add(unit["id"])
            return "refused"
        self.summary.saved += 1
        self.term.write("  " + _("saved ({status})").format(status=status_label(result.status)))
        return "saved"


EDITOR_COMMENT = "# "


def editor_text(view: workflow.UnitView) -> str:
    """What `:e` opens: the current text, then the source (and the sentences around it)
    as comment lines, which `from_editor` drops."""
    unit = view.unit
    lines = [view.current["text"] or "", "",
             EDITOR_COMMENT + _("Write the {lang} translation above. Lines starting with"
                                " '{comment}' are ignored.").format(lang=view.lang,
                                                                   comment=EDITOR_COMMENT),
             f"{EDITOR_COMMENT}{view.source_lang}: {unit['source']}"]
    if view.previous:
        lines.append(EDITOR_COMMENT + _("before: {text}").format(text=view.previous))
    if view.following:
        lines.append(EDITOR_COMMENT + _("after: {text}").format(text=view.following))
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
        return _(HELP).format(save_as=_(" as a correction (approved, after you confirm: y)"),
                              accept=_("approve the translation as it is"))
    return _(HELP).format(save_as=_(" (translated)"), accept=_("accept the draft as it is"))


def keys_line(review: bool) -> str:
    return _(KEYS).format(accept_short=_("approve") if review else _("accept"))


def render(view: workflow.UnitView, review: bool = False) -> str:
    """The screen for one unit: compact, readable without colour."""
    unit, current = view.unit, view.current
    if review:
        approved, reviewable = view.reviewed
        progress = _("{lang} review: {approved} of {reviewable} approved").format(
            lang=view.lang, approved=approved, reviewable=reviewable)
    else:
        progress = _("{lang} {percent} done").format(lang=view.lang,
                                                       percent=f"{view.percent:.1f}%")
    lines = [
        "",
        f"── {unit['article']} · {shown(view.title)}",
        "   " + _("unit {number} of {count} · {key} · id {id} · {progress}").format(
            number=view.number, count=view.count, key=unit["key"], id=unit["id"],
            progress=progress),
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
            lines.append(f"   {_('memory'):>6}  {_diff_line(view.tm_source, unit['source'])}")
            lines.append(f"   {'':>6}  " + _("[-only in the remembered source-] {{+only in this"
                                                " one+}}").format())
    else:
        lines.append(f"   {view.lang:>6}  " + _("(no draft)"))
    lines += desk_style.screen_lines(unit["source"], current["text"] if view.has_text
                                     else None, view.source_lang, view.lang)
    for lang, text in view.others.items():
        status = unit["translations"][lang]["status"]
        lines.append(f"   {lang:>6}  {shown(text)}  [{status_label(status)}]")
    lines.append("   " + keys_line(review))
    return "\n".join(lines)


def _describe(translation: dict, score: float | None) -> str:
    status, origin = translation["status"], shown(translation["origin"] or _("unknown origin"))
    parts = [status_label(status), origin]
    if score is not None:
        parts[-1] = f"{origin} {score:g}%"
    if translation["translator"] and status in ("translated", "approved"):
        parts.append(_("by {name}").format(name=shown(translation["translator"])))
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
