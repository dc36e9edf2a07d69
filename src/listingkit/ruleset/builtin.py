"""The shipped platform rule files, by name (``rules/<platform>.toml``)."""

from __future__ import annotations

from pathlib import Path

from listingkit.shipped import rules_dir

__all__ = ["builtin_names", "builtin_path", "rules_dir"]


def builtin_names() -> list[str]:
    """The shipped platforms, by file name (``taobao``, ``1688`` …)."""
    return sorted(p.stem for p in rules_dir().glob("*.toml"))


def builtin_path(name: str) -> Path | None:
    path = rules_dir() / f"{name}.toml"
    return path if path.is_file() else None
