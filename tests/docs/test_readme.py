"""The README tells the truth: its set-up commands and the demo table it shows."""

from __future__ import annotations

import ast
import re
import shlex
import struct
from pathlib import Path

import pytest

from purepose.cli import _build_parser, main

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_has_the_two_set_up_commands() -> None:
    text = README.read_text()
    assert "pip install . && purepose demo" in text
    assert "pip install '.[test]' && python -m pytest" in text


def test_readme_demo_output_is_what_purepose_demo_prints(tmp_path: Path, capsys) -> None:
    shown = re.search(r"```text\n(purepose demo:.*?)```", README.read_text(), re.S)
    assert shown, "README lost its demo output block"
    assert main(["demo", "--quiet", "--dir", str(tmp_path)]) == 0
    assert capsys.readouterr().out == shown.group(1)


# ---- every snippet runs as written ---------------------------------

FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
# Lines that need the network, an install or minutes: checked by the parser only.
# (purepose demo runs in test_readme_demo_output_is_what_purepose_demo_prints.)
NOT_RUN = (
    "pip ",
    "purepose fetch",
    "purepose demo",
    "python -m benchmarks",
    "bash .ci/run",
    "ruff ",
)


def _blocks(lang: str) -> list[str]:
    return [code for kind, code in FENCE.findall(README.read_text()) if kind == lang]


def _table_commands() -> list[str]:
    return re.findall(r"^\| `(purepose [^`]+)` \|", README.read_text(), re.M)


@pytest.fixture(scope="module")
def readme_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory like the README's: `purepose synth data/` (3 sessions of the default 20 s)."""
    root = tmp_path_factory.mktemp("readme")
    assert main(["synth", str(root / "data"), "--sessions", "3", "-q"]) == 0
    (root / "docs" / "figures").mkdir(parents=True)  # the README's figure commands write there
    return root


def test_python_snippets_run_as_written(readme_dir: Path, monkeypatch) -> None:
    monkeypatch.chdir(readme_dir)
    blocks = _blocks("python")
    assert len(blocks) >= 2
    for code in blocks:
        exec(compile(code, "README.md", "exec"), {})  # each block on its own: own imports
    assert (readme_dir / "model.json").is_file()


def test_python_snippets_have_no_unused_imports() -> None:
    for code in _blocks("python"):
        for name in re.findall(r"^from \S+ import (.+)$", code, re.M):
            for imported in (n.strip() for n in name.split(",")):
                uses = len(re.findall(rf"\b{imported}\b", code))
                assert uses >= 2, f"{imported} is imported but never used in:\n{code}"


def _fill(command: str, session: Path) -> list[str]:
    """The table's synopsis with its placeholders filled in and [optional] parts kept."""
    command = re.sub(r"\[([^\]]*)\]", r"\1", command)
    words = shlex.split(command)[1:]
    values = {
        "FILE": str(session),
        "SESSION": str(session),
        "FILE_OR_DIR": "data",
        "DATA": "data",
        "OUT_DIR": "synth-out",
        "D": "demo-data",
        "DIR": "plots",
        "N": "3",
        "S": "1",
        "K": "7",
        "U": "1",  # synth: one user (N = 3 sessions) ...
        "H": "0",  # ... none held out
        "M": "ridge",
        "PATTERN": "*.csv",
        "NAME": "covariance",  # `exercise start NAME DIR --answer` writes ANSWER
        "ANSWER": "plots/covariance_answer.py",
        "...": "THUMB_CMC_FE",
    }
    return [values.get(w, w) for w in words]


def test_table_commands_run_as_written(readme_dir: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(readme_dir)
    session = sorted((readme_dir / "data").glob("*recording-3_right.hdf5"))[0]
    commands = _table_commands()
    assert any(c.startswith("purepose plot emg") for c in commands)
    order = sorted(commands, key=lambda c: not c.startswith("purepose fit"))  # model first
    for command in order:
        argv = _fill(command, session)
        if command.startswith(NOT_RUN):
            _build_parser().parse_args(argv)
            continue
        assert main([*argv, "-q"]) == 0, (command, capsys.readouterr().err)
    assert (readme_dir / "emg.svg").read_text().startswith("<?xml")


REALDATA = README.parent.parent / "shared" / "realdata"


def _myo_csv(path: Path) -> None:
    """A CSV like the README's Myo example: 8 EMG channels at 200 Hz, two finger angles."""
    import math
    import random

    rng = random.Random(0)
    header = "timestamp," + ",".join(f"emg{c}" for c in range(1, 9)) + ",angle_thumb,angle_index"
    lines = [header]
    for i in range(2000):
        t = i / 200.0
        thumb, index = 20 + 15 * math.sin(t), 40 + 30 * math.sin(0.7 * t + 1)
        emg = [rng.gauss(0, 1 + 0.2 * (thumb if c < 4 else index)) for c in range(8)]
        lines.append(
            ",".join([f"{t:.3f}", *(f"{v:.3f}" for v in emg), f"{thumb:.2f}", f"{index:.2f}"])
        )
    path.write_text("\n".join(lines) + "\n")


def _prepare_inputs(code: str, root: Path) -> bool:
    """Put the files a block names in ``root``; False if they cannot be had here."""
    if "S1_A1_E1.mat" in code:  # the real NinaPro file, linked (never copied) from ../shared
        source = REALDATA / "ninapro_db1_E1" / "S1_A1_E1.mat"
        if not source.is_file():
            return False
        link = root / "S1_A1_E1.mat"
        if not link.exists():
            link.symlink_to(source)
    if "myo.csv" in code and not (root / "myo.csv").exists():
        _myo_csv(root / "myo.csv")
    return True


def test_bash_snippets_run_or_parse(readme_dir: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(readme_dir)
    parser = _build_parser()
    for code in _blocks("bash"):
        available = _prepare_inputs(code, readme_dir)
        # the rest of such a block reads what fetch or demo wrote (demo runs in its own test,
        # and test_cli_hand runs the README's hand-figure command on the demo's output)
        needs_fetch = "purepose fetch" in code or "purepose demo --dir" in code
        for line in code.splitlines():
            line = line.split("  #")[0].strip()
            for part in (p.strip() for p in line.split("&&")):
                if not part.startswith("purepose "):
                    continue
                argv = shlex.split(part)[1:]
                if part.startswith(NOT_RUN) or needs_fetch or not available:
                    parser.parse_args(argv)  # at least the options exist
                else:
                    assert main([*argv, "-q"]) == 0, (part, capsys.readouterr().err)


def test_cluster_title_fits_emg2pose_session_names(readme_dir: Path, tmp_path) -> None:
    from purepose.plot import fit_title

    session = sorted((readme_dir / "data").glob("*.hdf5"))[0]
    assert "-cv-emg-pose-train@2-recording-" in session.name  # emg2pose-style
    out = tmp_path / "c.svg"
    assert main(["cluster", str(session), "--max-samples", "300", "--out", str(out), "-q"]) == 0
    svg = out.read_text()
    title = re.search(r'<text x="430" y="24" font-size="([\d.]+)"[^>]*>([^<]+)</text>', svg)
    assert title, "no title at the top of the figure"
    size, shown = float(title.group(1)), title.group(2)
    assert _dejavu_bold_width(shown, size) <= 860 - 2 * 12  # measured with the real font
    assert fit_title(shown, 860) == (shown, size)


DEJAVU_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


def _dejavu_bold_width(text: str, size: float) -> float:
    """Width in px of ``text`` in DejaVu Sans Bold: advance widths read from the font file.

    TrueType: the cmap format-4 table maps characters to glyphs, hmtx holds
    each glyph's advance in font units, head its units per em (no kerning,
    which only narrows). Skips the test when the font is not installed.
    """
    if not DEJAVU_BOLD.is_file():
        pytest.skip(f"font not installed: {DEJAVU_BOLD}")
    font = DEJAVU_BOLD.read_bytes()
    tables = {}
    for i in range(struct.unpack(">H", font[4:6])[0]):
        tag, _, offset, _ = struct.unpack(">4sIII", font[12 + 16 * i : 28 + 16 * i])
        tables[tag.decode()] = offset
    units = struct.unpack(">H", font[tables["head"] + 18 : tables["head"] + 20])[0]
    n_metrics = struct.unpack(">H", font[tables["hhea"] + 34 : tables["hhea"] + 36])[0]
    cmap = tables["cmap"]
    for i in range(struct.unpack(">H", font[cmap + 2 : cmap + 4])[0]):
        platform, encoding, sub = struct.unpack(">HHI", font[cmap + 4 + 8 * i : cmap + 12 + 8 * i])
        if (platform, encoding) == (3, 1):
            sub += cmap
            break
    segs = struct.unpack(">H", font[sub + 6 : sub + 8])[0] // 2
    ends = struct.unpack(f">{segs}H", font[sub + 14 : sub + 14 + 2 * segs])
    at = sub + 16 + 2 * segs
    starts = struct.unpack(f">{segs}H", font[at : at + 2 * segs])
    deltas = struct.unpack(f">{segs}h", font[at + 2 * segs : at + 4 * segs])
    ranges_at = at + 4 * segs
    ranges = struct.unpack(f">{segs}H", font[ranges_at : ranges_at + 2 * segs])

    def glyph(c: int) -> int:
        for k in range(segs):
            if starts[k] <= c <= ends[k]:
                if not ranges[k]:
                    return (c + deltas[k]) & 0xFFFF
                where = ranges_at + 2 * k + ranges[k] + 2 * (c - starts[k])
                g = struct.unpack(">H", font[where : where + 2])[0]
                return (g + deltas[k]) & 0xFFFF if g else 0
        return 0

    def advance(g: int) -> int:
        at = tables["hmtx"] + 4 * min(g, n_metrics - 1)
        return struct.unpack(">H", font[at : at + 2])[0]

    return sum(advance(glyph(ord(c))) for c in text) * size / units


def test_title_width_estimate_bounds_the_real_font() -> None:
    from purepose.plot.svg import _bold_width

    for c in map(chr, range(32, 127)):
        assert _dejavu_bold_width(c, 100.0) <= _bold_width(c, 100.0) + 1e-9, repr(c)


def _layout_order() -> list[str]:
    """The README's Layout block as dotted module names, in the order listed.

    Two spaces of indent per level: ``textbook/`` opens a package, ``pca.py``
    under it is ``textbook.pca``; a package itself is listed as its name.
    """
    text = README.read_text()
    section = text[text.index("## Layout") : text.index("## Benchmarks")]
    block = section[section.index("```text") : section.rindex("```")]
    order: list[str] = []
    stack: list[str] = []
    for line in block.splitlines()[2:]:  # after "purepose/"
        m = re.match(r"^((?:  )+)([A-Za-z_0-9]+)(\.py\b|/)", line)
        if not m:
            continue
        depth = len(m.group(1)) // 2 - 1
        del stack[depth:]
        name = ".".join([*stack, m.group(2)])
        if m.group(3) == "/":
            stack.append(m.group(2))
        if name not in order:
            order.append(name)
    return order


PACKAGE = Path(__file__).resolve().parents[2] / "purepose"


def _modules() -> dict[str, Path]:
    """Every module of purepose by dotted name (a package by its own name)."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _top_level_imports(name: str, modules: dict[str, Path]) -> set[str]:
    """The purepose modules ``name`` imports at its top level (lazy imports inside
    functions are how a module reaches below itself on purpose)."""
    path = modules[name]
    here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in ast.parse(path.read_text()).body:
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            base = here[: len(here) - node.level + 1]
            module = ".".join([*base, *([node.module] if node.module else [])])
        elif (node.module or "").startswith("purepose"):
            module = node.module.removeprefix("purepose").lstrip(".")
        else:
            continue
        for alias in node.names:
            full = f"{module}.{alias.name}".lstrip(".")
            found.add(full if full in modules else module)
    return found - {"", name}


def _reaches(name: str, modules: dict[str, Path]) -> set[str]:
    """What importing ``name`` loads: a package stands for what its ``__init__`` imports."""
    deps = set()
    for dep in _top_level_imports(name, modules):
        if modules[dep].name == "__init__.py" and not name.startswith(dep + "."):
            inner = {d for d in _top_level_imports(dep, modules) if d.startswith(dep + ".")}
            deps |= inner or {dep}
        else:
            deps.add(dep)
    return deps


def test_the_layout_lists_every_module_and_each_imports_only_those_above_it() -> None:
    order = _layout_order()
    rank = {name: i for i, name in enumerate(order)}
    modules = _modules()
    problems = [f"{name} is listed but does not exist" for name in order if name not in modules]
    for name in sorted(modules):
        if name not in rank:
            problems.append(f"{name} is missing from the README's layout")
            continue
        if modules[name].name == "__init__.py":
            continue  # a package's face hands on what its modules define
        for dep in _reaches(name, modules):
            if rank.get(dep, -1) > rank[name]:
                problems.append(f"{name} imports {dep}, listed below it")
    assert not problems, problems


def test_the_first_screen_says_where_to_start_reading() -> None:
    first = "\n".join(README.read_text(encoding="utf-8").splitlines()[:60])
    assert "purepose/textbook/" in first
    assert "purepose/textbook/pipeline.py" in first
