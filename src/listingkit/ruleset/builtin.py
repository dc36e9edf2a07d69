"""Where the shipped platform rule files are.

In a wheel they are package data (``listingkit/_rules``, copied from the
repository's top-level ``rules/`` by the build). In a source checkout or an
editable install they are read from ``rules/`` itself, so an edit there is
seen at once.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

__all__ = ["builtin_names", "builtin_path", "rules_dir"]

_PACKAGE = Path(__file__).resolve().parent.parent


@cache
def rules_dir() -> Path:
    packaged = _PACKAGE / "_rules"
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parent.parent / "rules"


def builtin_names() -> list[str]:
    """The shipped platforms, by file name (``taobao``, ``1688`` …)."""
    return sorted(p.stem for p in rules_dir().glob("*.toml"))


def builtin_path(name: str) -> Path | None:
    path = rules_dir() / f"{name}.toml"
    return path if path.is_file() else None
