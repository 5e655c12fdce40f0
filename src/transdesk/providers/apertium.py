"""Apertium, offline ru <-> uk, run as one pipeline of processes per batch.

The stock ``rus-ukr`` mode loses most sentences: its ``apertium-tagger -g ….prob`` step
dies with a segmentation fault and the shell pipeline hides it (docs/providers.md).
The default ("fixed") pipeline is built from the stages listed in the pair's mode file
with the tagger step folded into the constraint-grammar step as ``cg-proc -1 -n`` (first
reading when ambiguity remains, no surface form: the tagger's output format).
``TRANSDESK_APERTIUM_MODE=stock`` runs the mode's stages unchanged.

Sentences travel through the pipeline separated by NUL: every stage runs with ``-z``
(flush and pass the NUL on), so each sentence comes back as its own NUL-terminated
chunk and the count can be checked.  We escape the stream format ourselves instead of
``apertium-destxt``, which drops NUL characters.

Two things the pair's analyser does to a bare sentence are worked around here.  A
period right before the NUL after a number or URL (``у 2025.``) is swallowed by
``lt-proc -z``: each sentence ends with a closing superblank, which also proves that
the sentence's end came back.  A word with an apostrophe the dictionary does not
know (``м'ясо``) is cut at the apostrophe and its pieces translated (``м'шум``): every
apostrophe inside a word goes in as U+02BC, a letter to the tokenizer, so a known word
(``п'ять``) is still analysed and an unknown one passes whole; it comes back in the
source's own apostrophe.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from transdesk.errors import BadInput, ProviderError
from transdesk.i18n import _
from transdesk.providers.base import BatchFailed, BatchResult, Provider, read_number

_CODES = {"ru": "rus", "uk": "ukr"}
_INSTALL_HINT = "apertium-rus-ukr not installed (apt-get install apertium-rus-ukr)"
_STREAM_SPECIAL = re.compile(r"([\\\[\]^$/<>@{}])")
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)
# Apertium marks: *unknown, #generation error, @no bilingual entry; only at a word start.
_MARK = re.compile(r"(?<!\w)([*#@]+)(\w+)")
_WORD = re.compile(r"\w+")
# Each sentence goes in between superblanks "[TDn]" and "[/TDn]", which Apertium passes
# through untouched: the answer chunk must carry the same tags, the closing one last.
_TAG = "TD"
_TAG_RE = re.compile(r"\[" + _TAG + r"(\d+)\]")
_END_TAG_RE = re.compile(r"\[/" + _TAG + r"(\d+)\]\s*$")
# An apostrophe between two letters: ASCII ', the typographic ’, the modifier letter ʼ.
_APOSTROPHE_IN_WORD = re.compile(r"(?<=\w)['’ʼ](?=\w)")
_WORD_WITH_APOSTROPHE = re.compile(r"\w+(?:['’ʼ]\w+)+")
_LETTER_APOSTROPHE = "ʼ"
# The end of a sentence: final punctuation and closing quotes or brackets, in any order.
_ENDING = re.compile(r"[.!?…»“”\"’')\]]*$")
_FINAL_PUNCTUATION = re.compile(r"[.!?…]")


@dataclass(frozen=True)
class PipelineRun:
    """What one pipeline process chain answered."""

    chunks: list[str]  # one decoded chunk per NUL-terminated answer
    failures: list[str]  # "apertium-tagger: killed by SIGSEGV", ...
    stderr: str


def escape_stream(text: str) -> str:
    """Plain text -> Apertium stream format (no superblanks; NUL removed)."""
    return _STREAM_SPECIAL.sub(r"\\\1", text.replace("\0", ""))


def unescape_stream(text: str) -> str:
    return _ESCAPED.sub(r"\1", text)


def strip_marks(text: str, source: str = "") -> str:
    """Drop Apertium's ``*``/``#``/``@`` marks, keep the word.

    A sign the source itself had before that word (a hashtag, say) is kept.
    """

    def keep_word(match: re.Match[str]) -> str:
        sign, word = match.group(1), match.group(2)
        if sign + word in source:
            return sign + word
        return sign[:-1] + word  # the mark is the sign next to the word

    return _MARK.sub(keep_word, text)


def protect_apostrophes(text: str) -> str:
    """Every apostrophe inside a word as U+02BC, which Apertium's tokenizer keeps in the
    word (``м'ясо`` → ``мʼясо``)."""
    return _APOSTROPHE_IN_WORD.sub(_LETTER_APOSTROPHE, text)


def restore_apostrophes(draft: str, source: str) -> str:
    """Words that came through whole get back the apostrophe the source wrote them with."""
    for word in set(_WORD_WITH_APOSTROPHE.findall(source)):
        protected = protect_apostrophes(word)
        if protected != word:
            draft = re.sub(rf"(?<!\w){re.escape(protected)}(?!\w)", word, draft)
    return draft


def keep_final_punctuation(draft: str, source: str) -> str:
    """The source's final ``.``/``!``/``?``/``…`` when the draft came back without any
    (Apertium drops it after some tokens), placed before the draft's closing quotes."""
    source, draft = source.rstrip(), draft.rstrip()
    source_end = _ENDING.search(source)
    draft_end = _ENDING.search(draft)
    assert source_end is not None and draft_end is not None  # the pattern matches empty
    if not _FINAL_PUNCTUATION.search(source_end[0]) or _FINAL_PUNCTUATION.search(draft_end[0]):
        return draft
    if _FINAL_PUNCTUATION.sub("", source_end[0]) == draft_end[0]:
        return draft[: draft_end.start()] + source_end[0]  # `«у 2025»` + `».` or `.»`
    return draft + "".join(_FINAL_PUNCTUATION.findall(source_end[0]))


def build_pipeline(mode_text: str, fixed: bool = True) -> list[list[str]]:
    """Commands (argv lists) of a ``.mode`` file, each run with ``-z`` (NUL flush).

    ``fixed`` folds ``apertium-tagger`` into the preceding ``cg-proc`` as ``-1 -n``.
    """
    steps: list[list[str]] = []
    for part in mode_text.strip().split("|"):
        argv = [arg for arg in shlex.split(part) if arg != "$2"]
        argv = ["-g" if arg == "$1" else arg for arg in argv]
        if argv:
            steps.append(argv)
    if fixed:
        for index, argv in enumerate(steps):
            if Path(argv[0]).name == "apertium-tagger":
                previous = steps[index - 1] if index else None
                if previous is None or Path(previous[0]).name != "cg-proc":
                    raise ProviderError(
                        _(
                            "apertium: cannot build the fixed pipeline (no cg-proc before the "
                            "tagger); set TRANSDESK_APERTIUM_MODE=stock"
                        )
                    )
                steps[index - 1] = [previous[0], "-1", "-n", *previous[1:]]
                del steps[index]
                break
    return [[argv[0], "-z", *argv[1:]] for argv in steps]


def run_pipeline(steps: list[list[str]], data: bytes, timeout: float) -> PipelineRun:
    """Run ``steps`` as a chain of processes fed ``data``; every exit status is checked."""
    procs: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryFile() as errfile:
        try:
            for argv in steps:
                procs.append(
                    subprocess.Popen(
                        argv,
                        stdin=procs[-1].stdout if procs else subprocess.PIPE,
                        stdout=subprocess.PIPE,
                        stderr=errfile,
                    )
                )
                if len(procs) > 1 and procs[-2].stdout is not None:
                    procs[-2].stdout.close()  # the next stage owns it now
        except OSError as exc:
            _kill(procs)
            raise ProviderError(_(
                    "apertium: cannot start {argv}: {strerror}"
                ).format(argv=argv[0], strerror=exc.strerror)) from None

        timed_out = threading.Event()

        def on_deadline() -> None:
            timed_out.set()
            _kill(procs)

        timer = threading.Timer(timeout, on_deadline)
        timer.daemon = True
        timer.start()
        writer = threading.Thread(target=_feed, args=(procs[0], data), daemon=True)
        writer.start()
        try:
            assert procs[-1].stdout is not None
            output = procs[-1].stdout.read()
            procs[-1].stdout.close()
            for proc in procs:
                proc.wait()
        finally:
            timer.cancel()
            _kill(procs)
        writer.join(1)
        if timed_out.is_set():
            raise ProviderError(_(
                    "apertium: no answer within {timeout:g} s"
                ).format(timeout=timeout)) from None
        failures = [
            f"{Path(argv[0]).name}: {_describe_status(proc.returncode)}"
            for argv, proc in zip(steps, procs, strict=True)
            if proc.returncode != 0
        ]
        errfile.seek(0)
        stderr = errfile.read().decode("utf-8", "replace")
    pieces = output.decode("utf-8", "replace").split("\0")
    return PipelineRun(chunks=pieces[:-1], failures=failures, stderr=stderr)


def _feed(proc: subprocess.Popen[bytes], data: bytes) -> None:
    assert proc.stdin is not None
    try:
        proc.stdin.write(data)
        proc.stdin.close()
    except (BrokenPipeError, ValueError, OSError):
        pass  # the stage died; its exit status tells the story


def _kill(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _failure_summary(failures: list[str]) -> str:
    """The stages that failed, leaving out the ones merely killed by a broken pipe."""
    real = [f for f in failures if not f.endswith("SIGPIPE")]
    return "; ".join(real or failures)


def _describe_status(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


def _align(chunks: list[str], todo: list[int], result: BatchResult) -> dict[int, str]:
    """Map sentence index -> answer text by the tags; extra empty chunks are ignored."""
    answers: dict[int, str] = {}
    expected = set(todo)
    for chunk in chunks:
        match = _TAG_RE.search(chunk)
        if match is None:
            if chunk.strip():
                raise BatchFailed("apertium: an answer lost its sentence tag", result)
            continue
        index = int(match.group(1))
        if index not in expected or index in answers:
            raise BatchFailed("apertium: answers came back out of order", result)
        answers[index] = chunk[: match.start()] + chunk[match.end() :]
    return answers


def _cut_end_tag(index: int, answer: str) -> str | None:
    """The answer without its closing tag; None when the tag is not at its end (the
    sentence's end was lost or moved)."""
    match = _END_TAG_RE.search(answer)
    if match is None or int(match.group(1)) != index:
        return None
    return answer[: match.start()]


class ApertiumProvider(Provider):
    name = "apertium"
    pairs = frozenset({("ru", "uk"), ("uk", "ru")})
    settings = ("MODE", "DIR", "TIMEOUT")
    batch_size = 200
    max_parallel = 1

    def __init__(self) -> None:
        self.mode = (self.setting("MODE", "fixed") or "fixed").lower()
        if self.mode not in ("fixed", "stock"):
            raise BadInput(_("TRANSDESK_APERTIUM_MODE must be 'fixed' or 'stock'"))
        self.data_dir = Path(self.setting("DIR", "/usr/share/apertium") or "/usr/share/apertium")
        self.timeout = read_number(self.name, "TIMEOUT", 60.0, minimum=0.1)
        self._pipelines: dict[tuple[str, str], list[list[str]]] = {}

    def mode_file(self, source: str, target: str) -> Path:
        return self.data_dir / "modes" / f"{_CODES[source]}-{_CODES[target]}.mode"

    def is_usable(self) -> tuple[bool, str | None]:
        try:
            for source, target in sorted(self.pairs):
                self.pipeline(source, target)
        except ProviderError as exc:
            return False, str(exc)
        return True, None

    def pipeline(self, source: str, target: str) -> list[list[str]]:
        """The commands for ``source -> target`` (ProviderError when not installed)."""
        key = (source, target)
        if key not in self._pipelines:
            path = self.mode_file(source, target)
            try:
                mode_text = path.read_text(encoding="utf-8")
            except OSError:
                raise ProviderError(_INSTALL_HINT) from None
            steps = build_pipeline(mode_text, fixed=self.mode == "fixed")
            for argv in steps:
                if shutil.which(argv[0]) is None:
                    raise ProviderError(_(
                            "apertium: {argv} not found; {install_hint}"
                        ).format(argv=argv[0], install_hint=_INSTALL_HINT))
                for arg in argv[1:]:
                    if arg.startswith("/") and not os.path.exists(arg):
                        raise ProviderError(_(
                                "apertium: {arg} missing; {install_hint}"
                            ).format(arg=arg, install_hint=_INSTALL_HINT))
            self._pipelines[key] = steps
        return self._pipelines[key]

    def translate_batch(self, texts: list[str], source: str, target: str) -> BatchResult:
        self.check_pair(source, target)
        steps = self.pipeline(source, target)
        result = BatchResult(len(texts))
        todo = [i for i, text in enumerate(texts) if text.strip()]
        for i, text in enumerate(texts):
            if not text.strip():
                result.set_failed(i, "empty source text")
        # A crashing stage loses the sentence it chokes on and everything after it, and
        # (the stock tagger) may not flush what it had finished. So after a crash the
        # first unanswered sentence runs alone: alone it either translates or gets the
        # crash as its reason, and the rest go on in a fresh pipeline.
        isolate = False
        while todo:
            batch = todo[:1] if isolate else todo
            data = "".join(f"[{_TAG}{i}]" + escape_stream(protect_apostrophes(texts[i]))
                           + f"[/{_TAG}{i}]\0" for i in batch)
            try:
                run = run_pipeline(steps, data.encode("utf-8"), self.timeout)
            except ProviderError as exc:
                raise BatchFailed(str(exc), result) from None
            answers = _align(run.chunks, batch, result)
            done = 0
            for i in batch:
                if i not in answers:
                    break
                self._check_one(result, i, texts[i], _cut_end_tag(i, answers[i]))
                done += 1
            if done == len(batch) and not run.failures:
                todo, isolate = todo[len(batch) :], False
            elif len(batch) == 1:
                why = _failure_summary(run.failures) or "no answer"
                result.set_failed(batch[0], f"apertium crashed on this sentence ({why})")
                todo, isolate = todo[1:], False
            else:
                todo, isolate = todo[done:], True
        return result

    @staticmethod
    def _check_one(result: BatchResult, index: int, source_text: str, chunk: str | None
                   ) -> None:
        if chunk is None:
            result.set_failed(index, "apertium answer looks truncated (its end was lost)")
            return
        text = strip_marks(unescape_stream(chunk).strip(), protect_apostrophes(source_text))
        if not text:
            result.set_failed(index, "apertium returned an empty translation")
            return
        text = keep_final_punctuation(restore_apostrophes(text, source_text), source_text)
        words_in = len(_WORD.findall(source_text))
        words_out = len(_WORD.findall(text))
        if words_in >= 4 and words_out * 2 < words_in:
            result.set_failed(
                index,
                f"apertium answer looks truncated ({words_out} words for {words_in})",
            )
            return
        result.set_ok(index, text)
