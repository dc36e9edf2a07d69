"""The shipped platform rule files, by id (``rules/<platform>.toml``) or alias (``淘宝``).

Each shipped file may list ``aliases``: the names operators use for the
platform. They are read straight from the shipped files (which are ours and
small) so a name resolves without loading the whole chain.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from listingkit.shipped import rules_dir

__all__ = [
    "alias_conflicts",
    "builtin_aliases",
    "builtin_id",
    "builtin_names",
    "builtin_path",
    "known_names_text",
    "platform_names",
    "rules_dir",
]


def builtin_names() -> list[str]:
    """The shipped platforms, by file name (``taobao``, ``1688`` …)."""
    return sorted(p.stem for p in rules_dir().glob("*.toml"))


@cache
def _own_aliases(path: Path) -> tuple[str, ...]:
    """The ``aliases`` a shipped file itself lists (not inherited ones)."""
    import tomllib  # only when a name is not a platform id: a cached run never parses TOML

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return ()  # the loader reports the file itself
    names = data.get("aliases")
    if not isinstance(names, list):
        return ()
    return tuple(n for n in names if isinstance(n, str) and n)


def builtin_aliases() -> dict[str, tuple[str, ...]]:
    """Platform id → the aliases its shipped file lists."""
    return {name: _own_aliases(rules_dir() / f"{name}.toml") for name in builtin_names()}


def builtin_id(name: str) -> str | None:
    """The platform id a name means (the id itself or an alias), or None."""
    ids = builtin_names()
    if name in ids:
        return name
    for platform, aliases in builtin_aliases().items():
        if name in aliases:
            return platform
    return None


def builtin_path(name: str) -> Path | None:
    """The shipped file of a platform named by id or alias, or None."""
    platform = builtin_id(name)
    if platform is None:
        return None
    path = rules_dir() / f"{platform}.toml"
    return path if path.is_file() else None


def alias_conflicts(platform: str, aliases: list[str]) -> list[tuple[str, str]]:
    """(alias, other platform) for each alias that already names another platform."""
    conflicts = []
    for alias in aliases:
        if alias in builtin_names() and alias != platform:
            conflicts.append((alias, alias))
            continue
        for other, names in builtin_aliases().items():
            if other != platform and alias in names:
                conflicts.append((alias, other))
    return conflicts


def platform_names() -> list[str]:
    """Every name that means a shipped platform: ids and aliases (for "did you mean")."""
    return [*builtin_names(), *(a for names in builtin_aliases().values() for a in names)]


def known_names_text() -> str:
    """``taobao（淘宝）、tmall（天猫）…`` for messages that list the platforms."""
    parts = []
    for platform, aliases in builtin_aliases().items():
        parts.append(f"{platform}（{'、'.join(aliases)}）" if aliases else platform)
    return "、".join(parts)
