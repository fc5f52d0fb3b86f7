"""The README tells the truth: its set-up commands and the demo table it shows."""

from __future__ import annotations

import re
from pathlib import Path

from purepose.cli import main

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_has_the_two_set_up_commands() -> None:
    text = README.read_text()
    assert "pip install . && purepose demo" in text
    assert "pip install '.[test]' && python -m pytest" in text


def test_readme_demo_output_is_what_purepose_demo_prints(tmp_path: Path, capsys) -> None:
    shown = re.search(r"```text\n(purepose demo:.*?)```", README.read_text(), re.S)
    assert shown, "README lost its demo output block"
    assert main(["demo", "--quiet", "--dir", str(tmp_path)]) == 0
    assert capsys.readouterr().out == shown.group(1)
