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
import re
import subprocess
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


def test_importing_every_textbook_module_leaves_h5py_unimported():
    names = ", ".join(f"purepose.textbook.{p.stem}" for p in MODULES if p.stem != "__init__")
    code = f"import sys, {names}\nprint('h5py' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


PACKAGE = TEXTBOOK.parent
# The HDF5 reader, the MAT v7.3 reader and the synthetic writer open HDF5 files.
OPENS_HDF5 = {"data/emg2pose.py", "data/mat73.py", "data/synth.py"}


def _imports_h5py_at_run_time(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    guarded = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for inner in ast.walk(node)
    }
    for node in ast.walk(tree):
        if id(node) in guarded:
            continue
        if isinstance(node, ast.Import) and any(a.name == "h5py" for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and node.module == "h5py":
            return True
    return False


def test_only_the_hdf5_readers_and_writer_import_h5py():
    importers = {
        str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py") if _imports_h5py_at_run_time(p)
    }
    assert importers == OPENS_HDF5


def test_the_package_face_loads_estimators_lazily():
    code = (
        "import sys, purepose\n"
        "assert 'h5py' not in sys.modules\n"
        "from purepose import PCA, KMeans, Ridge, LinearRegression, MLPRegressor\n"
        "from purepose import KNeighborsRegressor, RandomFeatures, PureposeError\n"
        "assert 'h5py' not in sys.modules\n"
        "from purepose import PoseRegressor, open_recording\n"
        "print(PCA.__module__, PoseRegressor.__module__)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["purepose.fast.pca", "purepose.pose.model"]


def test_the_front_table_names_modules_and_tests_that_exist():
    doc = (TEXTBOOK / "__init__.py").read_text(encoding="utf-8")
    root = TEXTBOOK.parents[1]
    tests = set(re.findall(r"tests/[\w/]+\.py", doc))
    assert len(tests) > 10 and all((root / t).is_file() for t in tests), tests
    twins = re.findall(r"\b(fast|signals|pose)\.(\w+)", doc)
    assert all((root / "purepose" / layer / f"{name}.py").is_file() for layer, name in twins)
    listed = set(re.findall(r"^(\w+)\.py ", doc, re.M))
    assert listed == {p.stem for p in MODULES if p.stem != "__init__"}
