"""The rules of the textbook layer (purepose/textbook/), checked on its source.

* every function reads in one screen: at most 50 lines of code (docstring,
  comments and blank lines not counted);
* every public function states its math in a docstring with a doctest;
* a textbook module imports only the standard library, the other textbook
  modules and purepose's vocabulary (``purepose.types``, ``purepose.errors``,
  ``purepose.joints``): no fast-path machinery.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

TEXTBOOK = Path(__file__).resolve().parents[2] / "purepose" / "textbook"
MODULES = sorted(TEXTBOOK.glob("*.py"))
ALLOWED = {"purepose.types", "purepose.errors", "purepose.joints"}
MAX_CODE_LINES = 50


def _functions(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node for node in tree.body if isinstance(node, ast.FunctionDef)]


def _code_lines(path, node):
    text = path.read_text(encoding="utf-8").splitlines()
    body = node.body[1:] if ast.get_docstring(node) is not None else node.body
    lines = {
        i
        for stmt in body
        for n in ast.walk(stmt)
        if hasattr(n, "lineno")
        for i in range(n.lineno, n.end_lineno + 1)
    }
    return 1 + sum(
        1 for i in lines if text[i - 1].strip() and not text[i - 1].strip().startswith("#")
    )


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_functions_fit_on_one_screen_with_math_and_a_doctest(path):
    for node in _functions(path):
        assert _code_lines(path, node) <= MAX_CODE_LINES, f"{path.name}:{node.name} is too long"
        if not node.name.startswith("_"):
            doc = ast.get_docstring(node) or ""
            assert ">>>" in doc, f"{path.name}:{node.name} has no doctest"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_imports_are_the_standard_library_and_the_textbook_only(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:  # from .linalg import ...: another textbook module
                continue
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            assert (
                top in sys.stdlib_module_names
                or name in ALLOWED
                or name.startswith("purepose.textbook")
            ), f"{path.name} imports {name}"


def test_the_line_count_ignores_docstrings_and_comments(tmp_path):
    source = tmp_path / "m.py"
    source.write_text(
        'def f(x):\n    """Doc.\n\n    >>> f(1)\n    """\n    # why\n\n    return x\n'
    )
    (node,) = _functions(source)
    assert _code_lines(source, node) == 2
