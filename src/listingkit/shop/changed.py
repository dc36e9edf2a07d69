"""``check --changed-only REF``: only the products whose files changed against a git ref.

Changed means what ``git diff REF`` lists (committed since REF, staged or not)
plus untracked files git does not ignore. In a shop folder, a product is
checked when a file under its folder changed; the whole shop when its sheet
or a file directly in the shop folder changed (products may have been added).
A path that is not a shop is kept as given, and every path when a rule file
in use changed.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from listingkit.errors import UsageError
from listingkit.printable import printable
from listingkit.shop.layout import find_shops

__all__ = ["changed_files", "changed_only"]

_GIT_SECONDS = 60


def _git(args: Sequence[str], cwd: Path) -> bytes:
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            timeout=_GIT_SECONDS,
            check=False,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"},
        )
    except FileNotFoundError:
        raise UsageError("--changed-only 需要 git，但没有找到 git 命令；请先安装 git") from None
    except subprocess.TimeoutExpired:
        raise UsageError(f"--changed-only：git {args[0]} 超过 {_GIT_SECONDS} 秒没有完成") from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = printable(said[-1]) if said else f"退出码 {done.returncode}"
        raise UsageError(f"--changed-only：git {args[0]} 失败：{reason}")
    return done.stdout


def changed_files(ref: str, near: Path) -> set[Path]:
    """Every file changed against ``ref`` in the repository holding ``near``, resolved."""
    if not ref or ref.startswith("-") or any(ord(c) < 32 for c in ref):
        raise UsageError(
            f"--changed-only 的参数“{printable(ref)}”不是 git 的提交名；写成 main、HEAD~1 这样"
        )
    folder = near if near.is_dir() else near.parent
    top = Path(os.fsdecode(_git(["rev-parse", "--show-toplevel"], folder).strip()))
    # --end-of-options: a ref is never read as an option, whatever it starts with.
    _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], top)
    listed = _git(["diff", "--name-only", "-z", "--no-renames", "--end-of-options", ref, "--"], top)
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z"], top)
    names = [n for n in (listed + b"\0" + untracked).split(b"\0") if n]
    return {(top / os.fsdecode(name)).resolve() for name in names}


def changed_only(
    paths: Sequence[str],
    ref: str,
    rules_sheet: str | None,
    rule_files: Sequence[str | os.PathLike[str]] = (),
) -> list[str]:
    """The paths to check: each shop narrowed to its changed products, others kept.

    A changed rule file (``rule_files``, wherever it lies) changes what every
    product is checked against: then every path is kept whole.
    """
    if not paths:
        return []
    changed = changed_files(ref, Path(paths[0]))
    if any(Path(rule).resolve() in changed for rule in rule_files):
        return list(paths)
    kept: list[str] = []
    for given in paths:
        shops = find_shops([given], rules_sheet)
        if not shops:
            kept.append(given)
            continue
        shop = shops[0]
        root = shop.root.resolve()
        touched: set[str] = set()
        whole = False
        for path in changed:
            try:
                parts = path.relative_to(root).parts
            except ValueError:
                continue
            if len(parts) == 1:
                whole = True  # the sheet, the rule file, or another file of the shop
            elif parts:
                touched.add(parts[0])
        if shop.only is not None:  # a product folder given: it, if it or the shop changed
            if whole or touched & shop.only:
                kept.append(given)
            continue
        if whole:
            kept.append(given)
            continue
        for folder in shop.folders:
            if folder.name in touched and folder.problem is None:
                kept.append(folder.display)
    return kept
