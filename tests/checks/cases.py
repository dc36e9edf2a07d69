"""Check cases as data: ``tests/cases/<family>/<CODE>.toml``.

Each ``[[case]]`` names its inputs, optional ``[checks]`` overrides for the
rule file, and the codes it expects. One parametrized test runs them all;
ids read ``FILE001.toml:12`` so a failure points at its case.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CASES_DIR = Path(__file__).resolve().parent.parent / "cases"


@dataclass(frozen=True)
class Case:
    file: Path
    line: int
    data: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.file.name}:{self.line}"

    @property
    def code(self) -> str:
        return self.file.stem

    @property
    def expect(self) -> list[str]:
        return list(self.data.get("expect", []))


def load_cases(folder: Path = CASES_DIR) -> list[Case]:
    """Every case under ``folder`` (default: tests/cases), in file and line order."""
    cases = []
    for path in sorted(folder.glob("*/*.toml")):
        text = path.read_text(encoding="utf-8")
        starts = [n for n, line in enumerate(text.splitlines(), 1) if line.strip() == "[[case]]"]
        try:
            entries = tomllib.loads(text).get("case", [])
        except tomllib.TOMLDecodeError as exc:
            raise AssertionError(f"{path} is not valid TOML ({exc}); fix the case file") from None
        assert len(starts) == len(entries), (
            f"{path}: write each case as a [[case]] table on a line of its own"
        )
        cases += [Case(path, line, entry) for line, entry in zip(starts, entries, strict=True)]
    return cases
