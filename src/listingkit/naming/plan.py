"""Rename plans: which photo gets which name, worked out before anything moves.

:func:`plan_renames` reads a folder (and a mapping sheet, or the photos'
shooting times) and returns a :class:`RenamePlan`: the steps ``old → new``
(paths relative to the folder), the conflicts found on disk, and the files it
left alone. Nothing is changed until :meth:`RenamePlan.apply`, which checks the
disk again, writes a journal (:mod:`listingkit.naming.journal`) and renames.

Where the 货号 comes from (``by``):

- ``folder``: each sub-folder is one 货号, named after it; its photos are
  numbered in natural order of their names (``2.jpg`` before ``10.jpg``). For a
  role whose template has ``{colour}`` the colour is a second level of folders
  (``A1023/红色/…``).
- ``sheet``: a mapping sheet with the columns 原文件名 (or 文件名), 货号 and
  optionally 颜色; photos are numbered in the order of the sheet's rows.
- ``exif``: one folder of one 货号 (``item``); photos are numbered by the
  shooting time in their EXIF header (DateTimeOriginal), then by name.

Numbering restarts for every 货号 (and every colour). Symbolic links are
never followed, and a name outside the folder is never planned.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from listingkit.errors import InputError, UsageError
from listingkit.naming.apply import (
    TEMP_PREFIX,
    Conflict,
    RenameConflictError,
    find_conflicts,
    folder_name_key,
    inside,
    order_moves,
    probe_case_insensitive,
)
from listingkit.naming.journal import JOURNAL_PREFIX, Journal, JournalError, unfinished_journals
from listingkit.printable import printable, show_path

if TYPE_CHECKING:
    from listingkit.findings import Report
    from listingkit.naming.grammar import NameGrammar
    from listingkit.ruleset.rules import Rules

__all__ = [
    "MAPPING_COLUMNS",
    "SOURCES",
    "PlanError",
    "RenameConflictError",
    "RenamePlan",
    "RenameStep",
    "natural_key",
    "plan_renames",
    "refuse_unfinished",
]

SOURCES = ("folder", "sheet", "exif")

#: The columns of a mapping sheet; earlier aliases win.
MAPPING_COLUMNS: Mapping[str, Sequence[str]] = {
    "file": ("原文件名", "文件名", "旧文件名", "原名", "图片文件名", "file", "filename"),
    "item": ("货号", "款号", "商品编码", "商家编码", "款式编号", "item", "item no"),
    "colour": ("颜色", "颜色分类", "SKU", "规格", "销售属性", "colour", "color"),
}
_LABELS = {"file": "原文件名", "item": "货号", "colour": "颜色"}

# EXIF: the Exif sub-IFD, and DateTimeOriginal in it (and in IFD0, where some cameras put it).
_EXIF_IFD = 0x8769
_DATETIME_ORIGINAL = 0x9003
_LIST_LIMIT = 30


class PlanError(InputError):
    """A plan that cannot be made: a 货号 that cannot be written, a bad sheet row, a bad folder."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        shown = [f"  {p}" for p in self.problems[:_LIST_LIMIT]]
        if len(self.problems) > _LIST_LIMIT:
            shown.append(f"  …… 共 {len(self.problems)} 处")
        super().__init__("无法生成改名计划，没有改动任何文件：\n" + "\n".join(shown))


@dataclass(frozen=True, slots=True)
class RenameStep:
    """One file and the name it gets; ``row`` is the mapping sheet's row, if any."""

    old: str
    new: str
    item: str
    seq: int
    role: str
    colour: str | None = None
    row: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": self.old,
            "new": self.new,
            "item": self.item,
            "seq": self.seq,
            "role": self.role,
            "colour": self.colour,
            "row": self.row,
        }


@dataclass
class RenamePlan:
    """Steps ``old → new`` relative to ``folder``; ``conflicts`` keep it from running.

    ``unchanged`` counts photos already named right (no step); ``skipped`` lists
    files left out and why (not a photo extension, a symbolic link).
    """

    folder: Path
    steps: list[RenameStep]
    conflicts: list[Conflict] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    by: str = "folder"
    role: str = "main"
    shown_as: str | None = None  # the folder as the caller wrote it, for messages

    def apply(self) -> Journal:
        """Rename every file, or none: conflicts are checked on disk again first.

        Raises :class:`RenameConflictError` (listing each conflict; nothing
        moved) and :class:`JournalError` when the folder holds an unfinished run.
        """
        refuse_unfinished(self.folder)
        pairs = [(s.old, s.new) for s in self.steps]
        case, uni = probe_case_insensitive(self.folder, write=True)
        conflicts = find_conflicts(
            self.folder, pairs, case_insensitive=case, unicode_insensitive=uni
        )
        if conflicts:
            raise RenameConflictError(conflicts, show_path(self.folder))
        moves = order_moves(pairs, key=folder_name_key(case, uni))
        journal = Journal.create(self.folder, pairs, moves)
        journal.run()
        return journal

    # --- rendering ---------------------------------------------------------------------------

    def rows(self) -> list[dict[str, Any]]:
        """One JSON object per step (old, new, item, seq, role, colour, row)."""
        return [step.to_dict() for step in self.steps]

    def to_text(self) -> str:
        """The plan as operators read it: a table old → new, the conflicts, a summary line."""
        lines: list[str] = []
        if self.steps:
            width = min(max(_width(printable(s.old)) for s in self.steps), 48)
            lines.append(f"{_pad('原文件名', width)}  →  新文件名")
            for step in self.steps:
                lines.append(f"{_pad(printable(step.old), width)}  →  {printable(step.new)}")
        for conflict in self.conflicts:
            lines.append(f"冲突 RENAME {conflict.kind}：{conflict.message}")
        lines.append(self.summary())
        return "\n".join(lines) + "\n"

    def summary(self) -> str:
        head = f"{show_path(self.shown_as or self.folder)}：{len(self.steps)} 个文件要改名"
        if self.unchanged:
            head += f"，{self.unchanged} 个已经符合命名"
        if self.skipped:
            head += f"，{len(self.skipped)} 个文件不是照片或是链接，未列入"
        if self.conflicts:
            return head + f"；{len(self.conflicts)} 处冲突，不能执行（一个文件都不会改）"
        return head + "；没有冲突"

    def report(self, platform: str) -> Report:
        """The plan as a report, for the SARIF, JUnit and GitHub formats.

        Each step is an info finding ``RENAME rename-step`` on the old file
        (``data`` holds ``old`` and ``new``); each conflict is an error finding
        ``RENAME <kind>``. ``RENAME`` is not a check code: a plan is not a check.
        """
        from listingkit.findings import Finding, Location, Report, Severity

        findings = [
            Finding(
                Location(step.old),
                "RENAME",
                "rename-step",
                Severity.INFO,
                f"{step.old} → {step.new}",
                data={"old": step.old, "new": step.new},
            )
            for step in self.steps
        ]
        findings += [
            Finding(
                Location(c.paths[0] if c.paths else "."),
                "RENAME",
                c.kind,
                Severity.ERROR,
                c.message,
                data={"paths": list(c.paths)},
            )
            for c in self.conflicts
        ]
        return Report(platform, findings, [step.old for step in self.steps])


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def refuse_unfinished(folder: Path) -> None:
    """Raise :class:`JournalError` when ``folder`` holds a journal neither complete nor undone."""
    unfinished = unfinished_journals(folder)
    if unfinished:
        path, status = unfinished[0]
        what = (
            "撤销到一半"
            if status == "undoing"
            else "无法读取"
            if status == "unreadable"
            else "改名到一半"
        )
        raise JournalError(
            f"{show_path(folder)} 里有{what}的改名日志 {show_path(path.name)}；"
            f"请先运行 listingkit rename {show_path(folder)} --resume 完成它，"
            f"或运行 listingkit undo {show_path(path)} 撤销它"
        )


# --- planning ---------------------------------------------------------------------------------


def natural_key(name: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key that puts ``IMG_2`` before ``IMG_10`` (and digits before letters, as file
    managers do); letters compared case-blind."""
    parts = re.split(r"(\d+)", unicodedata.normalize("NFC", name))
    return tuple(
        (0, int(part), part) if part.isdigit() and part.isascii() else (1, 0, part.casefold())
        for part in parts
        if part
    )


def plan_renames(
    folder: str | os.PathLike[str],
    *,
    rules: Rules,
    by: str = "folder",
    sheet: str | os.PathLike[str] | None = None,
    sheet_name: str | None = None,
    columns: Mapping[str, str] | None = None,
    role: str = "main",
    item: str | None = None,
) -> RenamePlan:
    """The rename plan for ``folder`` (see the module docstring); changes nothing.

    Raises :class:`PlanError` naming the folder or sheet row of a 货号 (or
    colour) that cannot be part of a file name, :class:`InputError` for a
    folder that does not exist, :class:`UsageError` for an unknown ``by`` or
    ``role`` or a missing ``sheet``/``item``.
    """
    from listingkit.naming.grammar import NameGrammar, NameMismatch

    base = Path(folder).absolute()
    shown = show_path(base)
    if by not in SOURCES:
        raise UsageError(f"不认识的改名依据 “{printable(str(by))}”；可选：{'、'.join(SOURCES)}")
    if not base.is_dir() or base.is_symlink():
        raise InputError(f"{shown} 不是文件夹（或是符号链接）；请给出放照片的文件夹")
    grammar = NameGrammar.from_rules(rules)
    try:
        grammar.template(role)
    except NameMismatch as exc:
        raise UsageError(exc.message) from None
    plan = RenamePlan(base, [], by=by, role=role, shown_as=os.fspath(folder))
    extensions = frozenset(e.lower() for e in rules.model.naming.extensions)
    if by == "folder":
        groups = _by_folder(base, grammar, extensions, role, plan)
    elif by == "sheet":
        if sheet is None:
            raise UsageError("按表格改名（--by sheet）要给出对照表：--sheet 表格文件")
        groups = _by_sheet(base, Path(sheet), sheet_name, columns, plan)
    else:
        if not item:
            raise UsageError("按拍摄时间改名（--by exif）要给出这个文件夹的货号：--item 货号")
        groups = _by_exif(base, item, extensions, plan)
    _number(groups, grammar, role, plan)
    if plan.steps:
        case, uni = probe_case_insensitive(base, write=False)
        found = find_conflicts(
            base,
            [(s.old, s.new) for s in plan.steps],
            case_insensitive=case,
            unicode_insensitive=uni,
        )
        # A sheet row already reported (naming its row) is not listed twice.
        named = {path for c in plan.conflicts for path in c.paths}
        plan.conflicts += [
            c for c in found if not (c.kind in ("missing", "symlink") and set(c.paths) <= named)
        ]
    return plan


@dataclass
class _Photo:
    old: str  # relative to the plan's folder
    item: str
    colour: str | None
    where: str  # names the folder or sheet row in messages
    row: int | None = None


def _photos_in(
    base: Path, relative: str, extensions: frozenset[str], plan: RenamePlan
) -> list[str]:
    """Photo files directly in ``base/relative``, natural order; links and others are skipped."""
    here = base / relative if relative else base
    names: list[str] = []
    with os.scandir(here) as entries:
        for entry in entries:
            path = f"{relative}/{entry.name}" if relative else entry.name
            if _ours(entry.name) or entry.name.startswith("."):
                continue
            if entry.is_symlink():
                plan.skipped.append((path, "符号链接，不跟随"))
            elif entry.is_file(follow_symlinks=False):
                if _is_photo(entry.name, extensions):
                    names.append(path)
                else:
                    plan.skipped.append((path, "扩展名不在 [naming] extensions 里"))
    return sorted(names, key=lambda p: natural_key(p.rsplit("/", 1)[-1]))


def _ours(name: str) -> bool:
    return name.startswith((TEMP_PREFIX, JOURNAL_PREFIX, ".listingkit-probe-"))


def _is_photo(name: str, extensions: frozenset[str]) -> bool:
    return os.path.splitext(name)[1].lower() in extensions


def _subfolders(here: Path) -> list[str]:
    with os.scandir(here) as entries:
        names = [e.name for e in entries if e.is_dir(follow_symlinks=False) and not _ours(e.name)]
    return sorted((n for n in names if not n.startswith(".")), key=natural_key)


def _by_folder(
    base: Path, grammar: NameGrammar, extensions: frozenset[str], role: str, plan: RenamePlan
) -> list[list[_Photo]]:
    has_colour = "{colour}" in grammar.template(role)
    groups: list[list[_Photo]] = []
    for sub in _subfolders(base):
        where = f"文件夹 {printable(sub)}"
        if has_colour:
            for colour in _subfolders(base / sub):
                inner = f"{sub}/{colour}"
                photos = _photos_in(base, inner, extensions, plan)
                groups.append(
                    [_Photo(p, sub, colour, f"文件夹 {printable(inner)}") for p in photos]
                )
        else:
            photos = _photos_in(base, sub, extensions, plan)
            groups.append([_Photo(p, sub, None, where) for p in photos])
    return groups


def _by_sheet(
    base: Path,
    sheet: Path,
    sheet_name: str | None,
    columns: Mapping[str, str] | None,
    plan: RenamePlan,
) -> list[list[_Photo]]:
    from listingkit.errors import SheetError
    from listingkit.sheets import find_columns, read_sheet
    from listingkit.sheets.model import name_list

    groups_wanted = [
        [columns["file"]] if columns and "file" in columns else MAPPING_COLUMNS["file"]
    ]
    table = read_sheet(sheet, sheet=sheet_name, header_names=groups_wanted)
    found = find_columns(table, MAPPING_COLUMNS, columns, labels=_LABELS)
    missing = [_LABELS[f] for f in ("file", "item") if f not in found]
    if missing:
        raise SheetError(
            f"{table.where}：第 {table.header_row} 行的表头里没有{'、'.join(missing)}列；表头有："
            f"{name_list(table.headers)}。请把表头改为“原文件名”“货号”（可选“颜色”），"
            "或用 --columns file=列名,item=列名 指定"
        )
    groups: dict[tuple[str, str | None], list[_Photo]] = {}
    problems: list[str] = []
    seen: dict[str, int] = {}
    for row in table.rows:
        old = row.get(found["file"]).strip()
        item = row.get(found["item"]).strip()
        colour = row.get(found["colour"]).strip() if "colour" in found else ""
        where = f"{table.where} 第 {row.row} 行"
        if not old and not item:
            continue
        if not old or not item:
            problems.append(f"{where}：原文件名和货号都要填")
            continue
        if not inside(old):
            problems.append(f"{where}：文件名 {printable(old)} 不在文件夹之内（绝对路径或 ..）")
            continue
        if old in seen:
            problems.append(f"{where}：文件 {printable(old)} 在第 {seen[old]} 行已经出现过")
            continue
        old = _on_disk(base, old)
        seen[old] = row.row
        photo = _Photo(old, item, colour or None, where, row.row)
        groups.setdefault((item, colour or None), []).append(photo)
        path = base / old
        if path.is_symlink() or not path.is_file():
            kind = "是符号链接，不会改它的名" if path.is_symlink() else "不存在"
            plan.conflicts.append(Conflict("missing", f"{where}：{printable(old)} {kind}", (old,)))
    if problems:
        raise PlanError(problems)
    return list(groups.values())


def _on_disk(base: Path, old: str) -> str:
    """The name as the disk spells it, when the sheet has the other Unicode form (NFC/NFD)."""
    if os.path.lexists(base / old):
        return old
    parent, _, name = old.rpartition("/")
    wanted = unicodedata.normalize("NFC", name)
    try:
        names = os.listdir(base / parent if parent else base)
    except OSError:
        return old
    for candidate in names:
        if unicodedata.normalize("NFC", candidate) == wanted:
            return f"{parent}/{candidate}" if parent else candidate
    return old


def _by_exif(
    base: Path, item: str, extensions: frozenset[str], plan: RenamePlan
) -> list[list[_Photo]]:
    photos: list[tuple[str, str]] = []
    with os.scandir(base) as entries:
        names = [e.name for e in entries]
    for name in sorted(names, key=natural_key):
        if _ours(name) or name.startswith("."):
            continue
        path = base / name
        if path.is_symlink():
            plan.skipped.append((name, "符号链接，不跟随"))
        elif path.is_file():
            if _is_photo(name, extensions):
                photos.append((_shot_at(path), name))
            else:
                plan.skipped.append((name, "扩展名不在 [naming] extensions 里"))
    # Undated photos after dated ones; equal times keep natural name order (sort is stable).
    photos.sort(key=lambda p: (p[0] == "", p[0]))
    return [[_Photo(name, item, None, f"文件夹 {show_path(base)}") for _, name in photos]]


def _shot_at(path: Path) -> str:
    """DateTimeOriginal (``2024:05:01 10:00:00``) from the header only, or ``""``."""
    import warnings

    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(path) as image:  # reads the header; pixels are never decoded
                exif = image.getexif()
                value = exif.get_ifd(_EXIF_IFD).get(_DATETIME_ORIGINAL) or exif.get(
                    _DATETIME_ORIGINAL
                )
    except Exception:  # not an image Pillow reads (RAW, PSD), or a broken header
        return ""
    return value.strip() if isinstance(value, str) else ""


def _number(groups: list[list[_Photo]], grammar: NameGrammar, role: str, plan: RenamePlan) -> None:
    from listingkit.naming.grammar import NameMismatch, NameParts
    from listingkit.naming.portable import unsafe_item

    problems: list[str] = []
    refused: set[tuple[str, str]] = set()
    has_colour = "{colour}" in grammar.template(role)
    # Numbers restart per 货号, and per colour only when the role's names carry the colour.
    numbered: dict[tuple[str, str | None], list[_Photo]] = {}
    for photo in (p for group in groups for p in group):
        numbered.setdefault((photo.item, photo.colour if has_colour else None), []).append(photo)
    for group in numbered.values():
        for seq, photo in enumerate(group, start=1):
            key = (photo.where, photo.item)
            why = unsafe_item(photo.item)
            if why is not None:
                if key not in refused:
                    problems.append(f"{photo.where}：货号 “{printable(photo.item)}” 不能用：{why}")
                    refused.add(key)
                continue
            extension = os.path.splitext(photo.old)[1]
            colour = photo.colour if has_colour else None
            try:
                name = grammar.format(NameParts(photo.item, seq, role, colour, extension))
            except NameMismatch as exc:
                if (photo.where, exc.part) not in refused:
                    problems.append(f"{photo.where}：{exc.message}")
                    refused.add((photo.where, exc.part))
                continue
            parent = str(PurePosixPath(photo.old).parent)
            new = name if parent == "." else f"{parent}/{name}"
            if new == photo.old:
                plan.unchanged += 1
                continue
            plan.steps.append(RenameStep(photo.old, new, photo.item, seq, role, colour, photo.row))
    if problems:
        raise PlanError(problems)
