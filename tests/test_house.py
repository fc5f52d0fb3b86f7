"""The house rules every module of purepose/ keeps, checked on the source.

* at most 12 modules directly in ``purepose/``: the rest live in their layer;
* every module at most 600 lines;
* no private name crosses a module: nothing imports ``_name`` from another
  purepose module or reaches ``obj._name`` for a name its own module does not
  define (the standard library's own, such as ``NamedTuple._replace``, aside).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "purepose"
MODULES = sorted(PACKAGE.rglob("*.py"))
STDLIB_PRIVATE = {"_replace", "_asdict", "_fields", "_SubParsersAction"}


def _rel(path: Path) -> str:
    return str(path.relative_to(PACKAGE.parent))


def test_at_most_twelve_modules_at_the_top_level():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 12, top


@pytest.mark.parametrize("path", MODULES, ids=_rel)
def test_modules_are_at_most_600_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 600


def _defined_names(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def private_names_used_across_modules(source: str) -> list[str]:
    """``import _x`` from purepose, and ``obj._x`` where this module never defines ``_x``."""
    tree = ast.parse(source)
    defined = _defined_names(tree) | STDLIB_PRIVATE
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (
            node.level or (node.module or "").startswith("purepose")
        ):
            found += [f"import {a.name}" for a in node.names if _private(a.name)]
        elif isinstance(node, ast.Attribute) and _private(node.attr) and node.attr not in defined:
            found.append(ast.unparse(node))
    return found


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


@pytest.mark.parametrize("path", MODULES, ids=_rel)
def test_no_private_name_crosses_a_module(path):
    assert private_names_used_across_modules(path.read_text(encoding="utf-8")) == []


def test_the_private_name_check_finds_what_it_should():
    source = (
        "from purepose.pose.model import _check\n"
        "from .hand import _kernel\n"
        "model._check_fitted()\n"
        "self._own = 1\n"
        "self._own\n"
        "row._replace(a=1)\n"
    )
    assert private_names_used_across_modules(source) == [
        "import _check",
        "import _kernel",
        "model._check_fitted",
    ]
