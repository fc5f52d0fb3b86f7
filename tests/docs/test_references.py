"""Every code reference in docs/ and README.md names something that exists.

Three kinds of references are checked in every Markdown file of docs/ and in
README.md (``tests/docs/test_docs.py`` checks links and test ids):

* dotted names: ``purepose.x.y`` anywhere, and backticked ``module.name``
  whose first part is a purepose module (``linalg.Comoments``,
  ``textbook.pca.flip_signs``) must import and resolve attribute by attribute;
* backticked identifiers that look like purepose's (snake_case with an
  underscore, or CamelCase, optionally with ``()``): each must be a name in
  purepose's source (a function, class, constant, parameter or attribute),
  unless it is one of the few outside names the docs cite (scikit-learn's
  ``svd_flip`` ...), listed in ``OUTSIDE`` below;
* ``file.py:LINE`` references: the file exists and has that many lines.
"""

from __future__ import annotations

import importlib
import io
import re
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
PACKAGE = ROOT / "purepose"
MODULES = {p.stem for p in PACKAGE.glob("*.py")} | {
    p.parent.name for p in PACKAGE.glob("*/__init__.py")
}

# Names the docs cite from other projects or the standard library, not purepose's.
OUTSIDE = {
    "svd_flip",  # scikit-learn's sign rule, which purepose follows
    "StandardScaler",  # scikit-learn, in the walkthrough's numpy baseline
}


def _source_names() -> set[str]:
    names: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
        for token in tokens:
            if token.type == tokenize.NAME:
                names.add(token.string)
            elif token.type == tokenize.STRING:  # keyword names in dicts, e.g. "per_joint"
                names.update(re.findall(r"^['\"]([A-Za-z_]\w*)['\"]$", token.string))
    return names


NAMES = _source_names()


def _code_spans(text: str) -> list[str]:
    """Backticked spans outside fenced blocks (the blocks run in tests/docs/test_docs.py)."""
    prose = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    return re.findall(r"`([^`\n]+)`", prose)


def _resolve(dotted: str) -> bool:
    parts = dotted.split(".")
    if parts[0] != "purepose":
        parts = ["purepose", *parts]
    for split in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for part in parts[split:]:
            if not hasattr(obj, part):
                return False
            obj = getattr(obj, part)
        return True
    return False


def _references(text: str) -> tuple[set[str], set[str], set[tuple[str, int]]]:
    dotted = set(re.findall(r"\bpurepose(?:\.[A-Za-z_]\w*)+", text))
    names = set()
    for span in _code_spans(text):
        span = span.strip()
        m = re.fullmatch(r"([A-Za-z_][\w.]*?)(?:\(\))?", span)
        if not m:
            continue
        ident = m.group(1)
        if "." in ident:
            if ident.split(".")[0] in MODULES and not ident.endswith(".py"):
                dotted.add(ident)
        elif "_" in ident.strip("_") or re.fullmatch(r"[A-Z][a-z]+[A-Z]\w*", ident):
            names.add(ident)
    lines = {(f, int(n)) for f, n in re.findall(r"\b([\w/]+\.py):(\d+)\b", text)}
    return dotted, names, lines


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_dotted_references_resolve(doc):
    dotted, _, _ = _references(doc.read_text(encoding="utf-8"))
    missing = sorted(d for d in dotted if not _resolve(d))
    assert not missing, f"{doc.name}: {missing} do not resolve"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_backticked_identifiers_exist_in_purepose(doc):
    _, names, _ = _references(doc.read_text(encoding="utf-8"))
    missing = sorted(n for n in names if n not in NAMES and n not in OUTSIDE)
    assert not missing, f"{doc.name}: {missing} are not names in purepose/"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_file_line_references_point_inside_the_file(doc):
    _, _, lines = _references(doc.read_text(encoding="utf-8"))
    for file, line in lines:
        candidates = [ROOT / file, PACKAGE / file, ROOT / "tests" / file]
        path = next((p for p in candidates if p.exists()), None)
        assert path is not None, f"{doc.name}: {file}:{line}: no such file"
        n_lines = len(path.read_text(encoding="utf-8").splitlines())
        assert line <= n_lines, f"{doc.name}: {file}:{line} but {file} has {n_lines} lines"


def test_the_checker_catches_each_kind_of_broken_reference():
    text = (
        "`fast.linalg.no_such_name` and `no_such_helper` and purepose.fast.pca.Nope"
        " and pca.py:99999"
    )
    dotted, names, lines = _references(text)
    assert {d for d in dotted if not _resolve(d)} == {
        "fast.linalg.no_such_name",
        "purepose.fast.pca.Nope",
    }
    assert names - NAMES == {"no_such_helper"}
    assert lines == {("pca.py", 99999)}
    assert _resolve("fast.linalg.Comoments") and _resolve("purepose.textbook.pca.flip_signs")
