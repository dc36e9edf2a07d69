"""Find a store's ``listingkit.toml`` above the files being checked, trusting no stranger.

A store file can turn checks off, so one planted by someone else must not be
picked up silently. The search goes from the folder being checked upward and

- stops at the home folder or a repository root (a folder with ``.git``), as
  yamllint and flake8 stop theirs;
- never looks into a folder anyone may write to (``/tmp``), and never climbs
  into a folder that belongs to another user: anybody could have left a file
  there;
- refuses a ``listingkit.toml`` that belongs to another user (neither the
  current user nor root) with one line saying whose it is, rather than use it
  or skip it without a word: ``--rules`` names a file explicitly.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from listingkit.errors import UsageError
from listingkit.printable import show_path

__all__ = ["STORE_FILE", "find_store_file"]

STORE_FILE = "listingkit.toml"

_ROOT = 0


def _current_user() -> int | None:
    """The effective user id, or None where there is none (Windows): no owner checks."""
    return os.geteuid() if hasattr(os, "geteuid") else None


def _home() -> Path | None:
    try:
        return Path.home().resolve()
    except (KeyError, RuntimeError, OSError):  # no HOME and no password entry
        return None


def _owner_name(uid: int) -> str:
    try:
        import pwd

        return f"{pwd.getpwuid(uid).pw_name}（uid {uid}）"
    except (ImportError, KeyError):
        return f"uid {uid}"


def _folder_info(folder: Path) -> os.stat_result | None:
    try:
        return folder.stat()
    except OSError:
        return None  # cannot tell who may write there: treated as not safe


def _writable_by_anyone(info: os.stat_result | None) -> bool:
    return info is None or bool(info.st_mode & stat.S_IWOTH)


def _foreign(info: os.stat_result | None, me: int) -> bool:
    return info is None or info.st_uid not in (me, _ROOT)


def _refuse_foreign(found: Path, me: int | None) -> None:
    """Raise :class:`UsageError` when ``found`` (or a link to it) belongs to another user."""
    if me is None:
        return
    try:
        owners = {found.lstat().st_uid, found.stat().st_uid}
    except OSError:
        return  # the loader reports a file it cannot read
    strangers = owners - {me, _ROOT}
    if strangers:
        shown = show_path(found)
        raise UsageError(
            f"店铺规则文件 {shown} 属于另一个用户 {_owner_name(min(strangers))}，没有使用；"
            f"确认要用它请加 --rules {shown}，不用它请用 --rules 指定平台（如 --rules taobao）"
        )


def find_store_file(start: str | os.PathLike[str]) -> Path | None:
    """The nearest ``listingkit.toml`` from ``start`` upward, or None.

    Stops at the home folder or a repository root, at a folder that anyone may
    write to, and before a folder above ``start`` that belongs to another user. Raises
    :class:`UsageError` for a store file that belongs to another user.
    """
    folder = Path(start).resolve()
    if not folder.is_dir():
        folder = folder.parent
    home = _home()
    me = _current_user()
    for candidate in (folder, *folder.parents):
        if me is not None:
            info = _folder_info(candidate)
            # Anyone could have left a file in /tmp; another user's folder above the
            # one being checked is none of this run's business.
            if _writable_by_anyone(info) or (candidate != folder and _foreign(info, me)):
                return None
        found = candidate / STORE_FILE
        if found.exists() and not found.is_dir():
            _refuse_foreign(found, me)
            return found
        if candidate == home or (candidate / ".git").exists():
            return None
    return None
