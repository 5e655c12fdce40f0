"""Public sentence-segmentation gold, prepared the same way for every segmenter.

    python bench/gold_public.py [--git-root DIR] [--out bench/out/gold]

Nothing here is committed: each source below is a file in a public GitHub repository at a
pinned commit. It is read from a local git directory when --git-root holds one
(`DIR/<owner>+<name>/repo` or `DIR/<name>`, a clone), else downloaded from
raw.githubusercontent.com. The prepared gold is written as JSON Lines, one paragraph a
line: {"lang", "text", "sentences": [[start, end], ...]} (offsets into "text").

Conventions, applied to the gold before anyone is scored (counted in the `.stats.json`):
- A paragraph is the treebank's `# newpar` block (GSD has none: five consecutive sentences
  of a document make one). Sentences are joined with a space unless the last token says
  SpaceAfter=No.
- A gold sentence without terminal punctuation (`. ! ? …`, closers and a footnote marker
  allowed after it) ends its paragraph there: in the original it was a heading, a list
  item, a caption or a line of its own, and no splitter reading running text can find
  that boundary. The paragraph is cut, so the boundary is neither a miss nor a hit.
- A gold sentence that is only a list number or letter (`1.`, `IV.`, `a)`) or only
  punctuation is joined to the sentence that follows it: newsroom units keep `1. Item`
  whole, and no unit may be punctuation only.
- A footnote marker after the end (`end.[3] Next`, `end.3 Next`) stays with the sentence
  it follows.
- A quotation is one unit with what completes it (issue 13; newsroom units never hold
  half a quotation): when a quotation opens in one gold sentence and closes in a later
  one, they are joined if the sentence that closes it opens with a dash (quoted dialogue:
  `“Можна долари купити? – запитує жінка.` + `– Я замовляла”.`) or, for a quotation of
  two sentences, if its attribution follows the closing quote (a comma, a lowercase
  word, or a dash and a lowercase word: `«…Донбасу.` + `Має бути…», - підкреслив
  Президент.`). A quotation of three sentences or more stays split. `--raw-quotations`
  leaves this out (the treebank's own split), to show the figures both ways.
Test suites (pySBD, razdel, LanguageTool via choppa, tokenize-uk) are taken as their
authors wrote them: each case is one paragraph.
"""

from __future__ import annotations

import argparse
import ast
import json
import pathlib
import re
import subprocess
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "gold"


@dataclass(frozen=True)
class Source:
    name: str  # the set's name in the table
    lang: str
    repo: str  # owner/name on GitHub
    commit: str
    path: str
    kind: str  # conllu | lt-json | pysbd | razdel | tokenize-uk
    licence: str
    suite_of: str = ""  # the peer whose own test suite this is
    documents: str = ""  # regex on a document's header (`# newdoc id`, first `# source`)


# IU documents from news sites and official press releases (by their `# source`).
_UK_NEWS = (
    r"# source = https?://[^/]*(tyzhden|umoloda|pravda\.com\.ua|champion|zik\.ua|zhitomir\.info"
    r"|rivnepost|wz\.lviv|zorya\.poltava|day\.kyiv|president\.gov|mil\.gov)"
)

SOURCES = [
    Source("ud-en-ewt", "en", "UniversalDependencies/UD_English-EWT",
           "15d613d8447b3478787d4c278730a1e48a945efb", "en_ewt-ud-test.conllu", "conllu",
           "CC BY-SA 4.0"),
    Source("ud-en-gum", "en", "UniversalDependencies/UD_English-GUM",
           "afb41ee9bca57991125814fa04d96a0e61470c8b", "en_gum-ud-test.conllu", "conllu",
           "CC BY(-NC)-SA 4.0 (per document)"),
    Source("ud-en-gum-news", "en", "UniversalDependencies/UD_English-GUM",
           "afb41ee9bca57991125814fa04d96a0e61470c8b", "en_gum-ud-test.conllu", "conllu",
           "CC BY-SA 4.0", documents="GUM_news_"),
    Source("ud-ru-gsd", "ru", "UniversalDependencies/UD_Russian-GSD",
           "5400f2fd7264b7699727bb61b09f53841899df26", "ru_gsd-ud-test.conllu", "conllu",
           "CC BY-SA 4.0"),
    Source("ud-ru-taiga", "ru", "UniversalDependencies/UD_Russian-Taiga",
           "3c64a056edcd5c6e2c29b3724d973729c354e016", "ru_taiga-ud-test.conllu", "conllu",
           "CC BY-SA 4.0"),
    Source("ud-uk-iu", "uk", "UniversalDependencies/UD_Ukrainian-IU",
           "21f641ba6109044ce9aafd4b2cbfa20a4ac6e479", "uk_iu-ud-test.conllu", "conllu",
           "CC BY-NC-SA 4.0"),
    Source("ud-uk-iu-dev", "uk", "UniversalDependencies/UD_Ukrainian-IU",
           "21f641ba6109044ce9aafd4b2cbfa20a4ac6e479", "uk_iu-ud-dev.conllu", "conllu",
           "CC BY-NC-SA 4.0"),
    Source("ud-uk-iu-news", "uk", "UniversalDependencies/UD_Ukrainian-IU",
           "21f641ba6109044ce9aafd4b2cbfa20a4ac6e479", "uk_iu-ud-test.conllu", "conllu",
           "CC BY-NC-SA 4.0", documents=_UK_NEWS),
    Source("ud-uk-iu-dev-news", "uk", "UniversalDependencies/UD_Ukrainian-IU",
           "21f641ba6109044ce9aafd4b2cbfa20a4ac6e479", "uk_iu-ud-dev.conllu", "conllu",
           "CC BY-NC-SA 4.0", documents=_UK_NEWS),
    Source("pysbd-en", "en", "nipunsadvilkar/pySBD",
           "5905f13be4fc95f407b98392e0ec303617a33d86", "tests/lang/test_english.py", "pysbd",
           "MIT", "pysbd"),
    Source("pysbd-ru", "ru", "nipunsadvilkar/pySBD",
           "5905f13be4fc95f407b98392e0ec303617a33d86", "tests/lang/test_russian.py", "pysbd",
           "MIT", "pysbd"),
    Source("razdel-ru", "ru", "natasha/razdel",
           "668dbe191a5cfd94bebf9155e2ffa5f94ff3fe33", "razdel/tests/test_sentenize.py",
           "razdel", "MIT", "razdel"),
    Source("lt-en", "en", "lang-uk/choppa", "eb45bb4349c4bf83f3a396928d3f95c94d346310",
           "tests/data/lt/en.json", "lt-json", "LGPL-2.1 (LanguageTool tests)", "choppa-srx"),
    Source("lt-ru", "ru", "lang-uk/choppa", "eb45bb4349c4bf83f3a396928d3f95c94d346310",
           "tests/data/lt/ru.json", "lt-json", "LGPL-2.1 (LanguageTool tests)", "choppa-srx"),
    Source("lt-uk", "uk", "lang-uk/choppa", "eb45bb4349c4bf83f3a396928d3f95c94d346310",
           "tests/data/lt/uk.json", "lt-json", "LGPL-2.1 (LanguageTool tests)", "choppa-srx"),
    Source("tokenize-uk", "uk", "lang-uk/tokenize-uk",
           "45be50726e670fc7e1c57b317d13e7c1c8030cef", "tests/cases/nlp.json", "tokenize-uk",
           "MIT", "tokenize-uk"),
]

_CLOSERS = "\"'»”’)\\]"
_TERMINAL_END = re.compile(
    rf"(?:[.!?…][{_CLOSERS}]*|(?<=[^\d\s])[.!?…][{_CLOSERS}]*(?:\[[\d\s,–-]+\]|\d{{1,2}}))"
    rf"[{_CLOSERS}]*$"
)
_LIST_NUMBER = re.compile(
    r"^(?:\(?\d{1,3}(?:\.\d{1,3})*[.)]|\(?[IVXivx]{1,4}[.)]|\(?[a-zа-я][.)]|§\s*\d+\.?)$"
)
_PUNCT_ONLY = re.compile(r"^[\W_]+$")


def read_source(source: Source, git_root: pathlib.Path | None) -> str:
    """The file's text at the pinned commit: from a local git directory, else GitHub."""
    if git_root is not None:
        owner, name = source.repo.split("/")
        for git_dir in (git_root / f"{owner}+{name}" / "repo", git_root / name / ".git"):
            if git_dir.is_dir():
                shown = subprocess.run(
                    ["git", "--git-dir", str(git_dir), "show", f"{source.commit}:{source.path}"],
                    capture_output=True,
                )
                if shown.returncode == 0:
                    return shown.stdout.decode("utf-8")
    url = f"https://raw.githubusercontent.com/{source.repo}/{source.commit}/{source.path}"
    with urllib.request.urlopen(url, timeout=60) as response:
        return str(response.read().decode("utf-8"))


# --- readers: each yields paragraphs as lists of (sentence, separator after it) -------


Paragraph = list[tuple[str, str]]


def conllu_paragraphs(text: str, group: int = 5, documents: str = "") -> Iterator[Paragraph]:
    if documents:
        docs = re.split(r"(?m)^(?=# newdoc)", text)
        wanted = re.compile(documents)
        text = "".join(d for d in docs if wanted.search(d.partition("# text")[0]))
    paragraph: Paragraph = []
    has_newpar = "# newpar" in text
    sentence_text = ""
    space_after = " "
    for line in text.splitlines():
        if line.startswith("# newdoc") or line.startswith("# newpar"):
            if paragraph and (has_newpar or line.startswith("# newdoc")):
                yield paragraph
                paragraph = []
        elif line.startswith("# text ="):
            sentence_text = line[len("# text =") :].strip()
        elif line and line[0].isdigit():
            cols = line.split("\t")
            if "." not in cols[0]:
                space_after = "" if "SpaceAfter=No" in cols[-1] else " "
        elif not line and sentence_text:
            paragraph.append((sentence_text, space_after))
            sentence_text = ""
            if not has_newpar and len(paragraph) == group:
                yield paragraph
                paragraph = []
    if paragraph:
        yield paragraph


def _python_cases(text: str) -> Iterator[tuple[str, list[str]]]:
    """(text, expected sentences) tuples from list literals in a Python test module."""
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Tuple) and len(node.elts) == 2:
            try:
                value = ast.literal_eval(node)
            except ValueError:
                continue
            if (
                isinstance(value[0], str)
                and isinstance(value[1], list)
                and all(isinstance(s, str) for s in value[1])
            ):
                yield value[0], value[1]


def _locate(text: str, pieces: list[str]) -> Paragraph | None:
    """Pieces found in order in text, each with the separator after it; None if not."""
    out: Paragraph = []
    pos = 0
    spans = []
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        start = text.find(piece, pos)
        if start < 0:
            return None
        spans.append((start, start + len(piece)))
        pos = start + len(piece)
    for i, (start, end) in enumerate(spans):
        nxt = spans[i + 1][0] if i + 1 < len(spans) else len(text)
        out.append((text[start:end], text[end:nxt]))
    return out


def pysbd_paragraphs(text: str) -> Iterator[Paragraph]:
    seen = set()
    for source, expected in _python_cases(text):
        if source in seen:
            continue
        seen.add(source)
        located = _locate(source.strip(), expected)
        if located:
            yield located


def razdel_paragraphs(text: str) -> Iterator[Paragraph]:
    for node in ast.walk(ast.parse(text)):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", "") == "parse_partitions"
            and isinstance(node.args[0], ast.List)
        ):
            for line in ast.literal_eval(node.args[0]):
                chunks = re.split(r"(?<!\\)\|", line)
                chunks = [c.replace(r"\|", "|").replace(r"\n", "\n") for c in chunks]
                paragraph: Paragraph = []
                for chunk in chunks:
                    if chunk.strip():
                        paragraph.append((chunk, ""))
                    elif paragraph:
                        paragraph[-1] = (paragraph[-1][0], paragraph[-1][1] + chunk)
                yield paragraph


def lt_paragraphs(text: str) -> Iterator[Paragraph]:
    for case in json.loads(text)["cases"]:
        pieces = case["sentences"]
        whole = "".join(pieces)
        stripped = whole.lstrip()
        located = _locate(stripped, pieces)
        if located:
            yield located


def tokenize_uk_paragraphs(text: str) -> Iterator[Paragraph]:
    case = json.loads(text)
    for paragraph_text, sentences in zip(
        case["source"].split("\n"), case["result"], strict=False
    ):
        paragraph_text = paragraph_text.strip()
        spans = []
        pos = 0
        for tokens in sentences:
            start = paragraph_text.find(tokens[0], pos)
            end = start
            for token in tokens:
                end = paragraph_text.find(token, end) + len(token)
            spans.append((start, end))
            pos = end
        yield [
            (
                paragraph_text[s:e],
                paragraph_text[e : spans[i + 1][0] if i + 1 < len(spans) else None],
            )
            for i, (s, e) in enumerate(spans)
        ]


READERS = {
    "conllu": conllu_paragraphs,
    "pysbd": pysbd_paragraphs,
    "razdel": razdel_paragraphs,
    "lt-json": lt_paragraphs,
    "tokenize-uk": tokenize_uk_paragraphs,
}


# --- conventions --------------------------------------------------------------------

_QUOTE_CLOSERS = {"«": "»", "“": "”", "„": "“”", '"': '"'}
_DASH_START = re.compile(r"\s*[–—-]")
_ATTRIBUTION = re.compile(r"\s*(?:,|[–—-]+\s*[a-zа-яёіїєґ]|[a-zа-яёіїєґ])")


def _quotes_open(sentence: str, stack: list[str]) -> list[tuple[str, int]]:
    """Follow the quotation marks of `sentence` on `stack` (openers); return the
    (opener, position) of every quotation that closes in it."""
    closed = []
    for pos, ch in enumerate(sentence):
        if stack and ch in _QUOTE_CLOSERS[stack[-1]]:
            closed.append((stack.pop(), pos))
        elif ch in _QUOTE_CLOSERS:
            stack.append(ch)
    return closed


def join_quotations(paragraph: Paragraph, stats: Counter[str]) -> Paragraph:
    """The quotation convention of the module docstring."""
    out: Paragraph = []
    i = 0
    while i < len(paragraph):
        stack: list[str] = []
        _quotes_open(paragraph[i][0], stack)
        k, close = i, -1
        depth = len(stack)
        if depth:
            # the sentence where the outermost quotation left open in sentence i closes
            for j in range(i + 1, min(len(paragraph), i + 6)):
                closed = _quotes_open(paragraph[j][0], stack)
                if len(stack) < depth:
                    k, close = j, closed[-1][1] if closed else -1
                    break
        join = False
        if k > i:
            last = paragraph[k][0]
            if _DASH_START.match(last):
                join = True  # quoted dialogue
            elif k == i + 1 and _ATTRIBUTION.match(last, close + 1):
                join = True  # a quotation of two sentences, its attribution after it
        if join:
            text = "".join(s + sep for s, sep in paragraph[i:k]) + paragraph[k][0]
            out.append((text, paragraph[k][1]))
            stats["joined: quotation with what completes it"] += k - i
            i = k + 1
        else:
            out.append(paragraph[i])
            i += 1
    return out



def normalise(
    paragraph: Paragraph, stats: Counter[str], quotations: bool = True
) -> Iterator[Paragraph]:
    """Apply the conventions of the module docstring; yield one or more paragraphs."""
    merged: Paragraph = []
    carry = ""
    for sentence, sep in paragraph:
        if carry:
            sentence = carry + sentence
            carry = ""
        core = sentence.strip()
        if (_LIST_NUMBER.match(core) or _PUNCT_ONLY.match(core)) and sep.strip() == "":
            stats["joined: list number or punctuation only"] += 1
            carry = sentence + sep
            continue
        merged.append((sentence, sep))
    if carry:
        if merged:
            last, sep = merged[-1]
            merged[-1] = (last + sep + carry.rstrip(), "")
        else:
            merged.append((carry.rstrip(), ""))
    if quotations:
        merged = join_quotations(merged, stats)
    current: Paragraph = []
    for i, (sentence, sep) in enumerate(merged):
        current.append((sentence, sep))
        if i + 1 < len(merged) and not _TERMINAL_END.search(sentence.rstrip()):
            stats["cut: no terminal punctuation"] += 1
            yield current
            current = []
    if current:
        yield current


def prepare(git_root: pathlib.Path | None, out: pathlib.Path, quotations: bool = True) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for source in SOURCES:
        text = read_source(source, git_root)
        stats: Counter[str] = Counter()
        rows = []
        reader = READERS[source.kind]
        paragraphs = (
            conllu_paragraphs(text, documents=source.documents)
            if source.documents
            else reader(text)
        )
        for raw in paragraphs:
            pieces = normalise(raw, stats, quotations) if source.kind == "conllu" else [raw]
            for paragraph in pieces:
                paragraph[-1] = (paragraph[-1][0], "")
                full = "".join(s + sep for s, sep in paragraph)
                spans, pos = [], 0
                for sentence, sep in paragraph:
                    spans.append([pos, pos + len(sentence)])
                    pos += len(sentence) + len(sep)
                rows.append({"lang": source.lang, "text": full, "sentences": spans})
        stats["paragraphs"] = len(rows)
        stats["sentences"] = sum(len(r["sentences"]) for r in rows)
        path = out / f"{source.name}.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
        meta = {
            "source": f"https://github.com/{source.repo}/blob/{source.commit}/{source.path}",
            "licence": source.licence,
            "suite_of": source.suite_of,
            **stats,
        }
        (out / f"{source.name}.stats.json").write_text(json.dumps(meta, indent=1) + "\n")
        print(f"{source.name}: {dict(stats)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--git-root", type=pathlib.Path, help="local git directories of the repos")
    ap.add_argument("--out", type=pathlib.Path, default=OUT)
    ap.add_argument("--raw-quotations", action="store_true",
                    help="keep the treebanks' split of quotations (no quotation convention)")
    args = ap.parse_args()
    prepare(args.git_root, args.out, quotations=not args.raw_quotations)


if __name__ == "__main__":
    main()
