"""The rename journal: each move written down before it happens, so a run can be finished or undone.

A journal is a JSON-lines file in the renamed folder,
``.listingkit-rename-<timestamp>.jsonl``::

    {"listingkit": "rename-journal", "version": 1, "folder": …, "steps": [[old, new], …],
     "moves": [[source, target], …], "mode": "renameat2", "created": …}
    {"event": "begin", "k": 0}
    {"event": "done", "k": 0}
    …
    {"event": "complete"}
    {"event": "undo-begin", "k": 5}      (written by undo, last move first)
    {"event": "undo-done", "k": 5}
    …
    {"event": "undone"}

``moves`` are the single renames in the order they run (temporary names
included). Each line is flushed and fsynced before the move it announces, and
the folder is fsynced after each rename, so after a crash at any moment the
journal says which moves are done, and of the one move in flight the disk says
whether it happened: before it, only its source exists; after, only its target.

Paths are relative to the folder that holds the journal; a journal that names
a path outside it (absolute, ``..``, through a symbolic link) is refused.
A last line cut off mid-write (a power loss) is ignored and cut away before
anything is appended.

Test hook: ``LISTINGKIT_TEST_STOP_AFTER_STEP=k`` (and
``LISTINGKIT_TEST_STOP_AFTER_UNDO_STEP=k``) makes the process SIGKILL itself
right after the rename of move ``k`` (0-based), before ``done`` is written --
the moment a crash is hardest to recover from. Only this module reads them;
the kill tests use them to stop a real ``listingkit rename --apply`` there.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from listingkit.errors import InputError
from listingkit.naming.apply import (
    Move,
    folder_name_key,
    fsync_folder,
    inside,
    link_in_path,
    probe_case_insensitive,
    rename_no_replace,
    replace_mode,
)
from listingkit.printable import printable, show_path

__all__ = [
    "JOURNAL_GLOB",
    "Journal",
    "JournalError",
    "unfinished_journals",
]

JOURNAL_PREFIX = ".listingkit-rename-"
JOURNAL_GLOB = JOURNAL_PREFIX + "*.jsonl"
_MAGIC = "rename-journal"
_VERSION = 1
# A journal of a 100,000-file folder is a few tens of MB; anything far larger is not one.
_MAX_JOURNAL_BYTES = 512 * 1024 * 1024

STOP_AFTER_STEP = "LISTINGKIT_TEST_STOP_AFTER_STEP"
STOP_AFTER_UNDO_STEP = "LISTINGKIT_TEST_STOP_AFTER_UNDO_STEP"


class JournalError(InputError):
    """A journal that cannot be used, or a folder that no longer matches it; nothing was moved."""


def _stop_here(variable: str, k: int) -> None:
    """The kill tests' hook (see the module docstring)."""
    wanted = os.environ.get(variable)
    if wanted is not None and wanted.strip() == str(k):
        os.kill(os.getpid(), signal.SIGKILL)


@dataclass
class Journal:
    """One rename run on disk: its moves, how far it got, and undo.

    ``status`` is ``"complete"``, ``"undone"``, ``"unfinished"`` (cut off while
    renaming: :meth:`resume` or :meth:`undo`) or ``"undoing"`` (cut off while
    undoing: :meth:`undo` again).
    """

    path: Path
    steps: list[tuple[str, str]]
    moves: list[Move]
    mode: str = "renameat2"
    done: set[int] = field(default_factory=set)
    begun: int | None = None  # a move announced but not marked done
    undone: set[int] = field(default_factory=set)
    undo_begun: int | None = None
    status: str = "unfinished"
    _good_length: int = 0  # bytes up to the end of the last whole line

    @property
    def folder(self) -> Path:
        return self.path.parent

    # --- reading ---------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Journal:
        """Read a journal; raises :class:`JournalError` naming the file and line."""
        from listingkit.safeio import read_input

        file = Path(path).absolute()
        shown = show_path(file)
        data = read_input(file, what="改名日志", limit=_MAX_JOURNAL_BYTES)
        end = data.rfind(b"\n") + 1
        lines = data[:end].split(b"\n")[:-1]
        if not lines:
            raise JournalError(
                f"{shown} 没有完整的开头行（写日志时断电？）；日志开头写好之前不会改任何文件，"
                "这个文件可以直接删除"
            )
        records: list[dict[str, Any]] = []
        for number, raw in enumerate(lines, start=1):
            try:
                record = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                record = None
            if not isinstance(record, dict):
                raise JournalError(
                    f"{shown} 第 {number} 行损坏，不是 listingkit 改名日志的一行；"
                    "请不要手工编辑日志"
                )
            records.append(record)
        journal = cls._from_header(file, records[0])
        journal._good_length = end
        journal._replay(records[1:])
        return journal

    @classmethod
    def _from_header(cls, file: Path, header: dict[str, Any]) -> Journal:
        shown = show_path(file)
        if header.get("listingkit") != _MAGIC or header.get("version") != _VERSION:
            raise JournalError(f"{shown} 不是 listingkit 改名日志（第 1 行不是日志开头）")
        try:
            steps = [(str(a), str(b)) for a, b in header["steps"]]
            moves = [Move(str(a), str(b)) for a, b in header["moves"]]
        except (KeyError, TypeError, ValueError):
            raise JournalError(f"{shown} 第 1 行缺少 steps 或 moves；请不要手工编辑日志") from None
        for name in [n for pair in steps for n in pair] + [
            n for m in moves for n in (m.source, m.target)
        ]:
            if not inside(name) or _is_journal_name(name):
                raise JournalError(
                    f"{shown} 里的路径 {printable(name)} 在日志所在的文件夹之外"
                    "（绝对路径、.. 或日志本身），拒绝执行"
                )
        return cls(path=file, steps=steps, moves=moves, mode=str(header.get("mode", "")))

    def _replay(self, records: list[dict[str, Any]]) -> None:
        shown = show_path(self.path)
        for number, record in enumerate(records, start=2):
            event = record.get("event")
            k = record.get("k")
            if event in ("begin", "done", "undo-begin", "undo-done") and not (
                isinstance(k, int) and 0 <= k < len(self.moves)
            ):
                raise JournalError(f"{shown} 第 {number} 行的步骤编号无效；请不要手工编辑日志")
            if event == "begin":
                self.begun = k
            elif event == "done":
                self.done.add(k)  # type: ignore[arg-type]
                self.begun = None
            elif event == "complete":
                self.status = "complete"
            elif event == "undo-begin":
                self.status = "undoing"
                self.undo_begun = k
            elif event == "undo-done":
                self.status = "undoing"
                self.undone.add(k)  # type: ignore[arg-type]
                self.undo_begun = None
            elif event == "undone":
                self.status = "undone"
            else:
                raise JournalError(f"{shown} 第 {number} 行不是日志事件；请不要手工编辑日志")

    # --- writing ---------------------------------------------------------------------------

    @classmethod
    def create(
        cls, folder: str | os.PathLike[str], steps: Sequence[tuple[str, str]], moves: Sequence[Move]
    ) -> Journal:
        """Write a new journal's first line (durably) in ``folder``; nothing is moved yet."""
        base = Path(folder).absolute()
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        header = {
            "listingkit": _MAGIC,
            "version": _VERSION,
            "folder": os.fsdecode(base),
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "mode": replace_mode(),
            "steps": [list(step) for step in steps],
            "moves": [[m.source, m.target] for m in moves],
        }
        line = (json.dumps(header, ensure_ascii=True) + "\n").encode("ascii")
        for attempt in range(100):
            suffix = "" if attempt == 0 else f"-{secrets.token_hex(3)}"
            path = base / f"{JOURNAL_PREFIX}{stamp}{suffix}.jsonl"
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                continue
            try:
                _write_all(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)
            fsync_folder(base)
            journal = cls(path=path, steps=list(steps), moves=list(moves), mode=replace_mode())
            journal._good_length = len(line)
            return journal
        raise JournalError(f"{show_path(base)}：无法新建改名日志（同名文件太多）")

    @contextlib.contextmanager
    def _writer(self) -> Iterator[Callable[[dict[str, Any]], None]]:
        fd = os.open(self.path, os.O_WRONLY)
        try:
            # A half line from a crash would glue onto the next record: cut it away first.
            os.ftruncate(fd, self._good_length)
            os.fsync(fd)
            os.lseek(fd, 0, os.SEEK_END)

            def write(record: dict[str, Any]) -> None:
                data = (json.dumps(record, ensure_ascii=True) + "\n").encode("ascii")
                _write_all(fd, data)
                os.fsync(fd)
                self._good_length += len(data)

            yield write
        finally:
            os.close(fd)

    # --- running ---------------------------------------------------------------------------

    def _key(self) -> Callable[[str], str]:
        return folder_name_key(*probe_case_insensitive(self.folder, write=False))

    def _settle(self, move: Move, *, undoing: bool) -> bool:
        """Whether the move in flight happened, from the disk; finishes a half-done link."""
        source, target = (move.target, move.source) if undoing else (move.source, move.target)
        src, dst = self.folder / source, self.folder / target
        a, b = _lstat(src), _lstat(dst)
        if a is not None and b is None:
            return False
        if a is None and b is not None:
            return True
        if a is not None and b is not None and (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino):
            os.unlink(src)  # linked, not yet unlinked
            fsync_folder(src.parent)
            return True
        what = "都在" if a is not None else "都不在"
        raise JournalError(
            f"{show_path(self.path)}：被打断的那一步 {printable(source)} → {printable(target)} "
            f"两个名字{what}，无法判断；没有改动任何文件，请人工检查这两个文件"
        )

    def _check_ahead(self, order: Sequence[tuple[int, str, str]]) -> None:
        """Walk the renames still to do against the disk first; refuse before moving anything."""
        key = self._key()
        there: dict[str, bool] = {}
        problems: list[str] = []

        def present(name: str) -> bool:
            k = key(name)
            if k not in there:
                there[k] = _lstat(self.folder / name) is not None
            return there[k]

        for _, source, target in order:
            for name in (source, target):
                link = link_in_path(self.folder, name)
                if link is not None:
                    problems.append(f"{printable(link)} 是符号链接或不是文件夹，不会经过它改名")
            info = _lstat(self.folder / source)
            if not present(source):
                problems.append(f"{printable(source)} 不见了（日志之后被移走或改名？）")
            elif info is not None and not stat.S_ISREG(info.st_mode):
                problems.append(f"{printable(source)} 不是普通文件了，不会改它的名")
            if present(target):
                problems.append(f"{printable(target)} 已被别的文件占用，不会覆盖它")
            there[key(source)] = False
            there[key(target)] = True
        if problems:
            listed = "\n".join(f"  {p}" for p in dict.fromkeys(problems))
            raise JournalError(
                f"{show_path(self.path)}：文件夹和日志对不上，一个文件都没有动：\n{listed}"
            )

    def _rename(self, source: str, target: str) -> None:
        src, dst = self.folder / source, self.folder / target
        try:
            rename_no_replace(src, dst)
        except FileExistsError:
            raise JournalError(
                f"{printable(target)} 已存在，不会覆盖它；请移走它后运行 "
                f"listingkit rename --resume 或 listingkit undo {show_path(self.path)}"
            ) from None
        except OSError as exc:
            from listingkit.oserrors import os_reason

            raise JournalError(
                f"{printable(source)} → {printable(target)} 改名失败：{os_reason(exc)}；"
                f"已改的文件可用 listingkit undo {show_path(self.path)} 恢复，"
                "或解决问题后用 listingkit rename 文件夹 --resume 继续"
            ) from None
        fsync_folder(dst.parent)
        if src.parent != dst.parent:
            fsync_folder(src.parent)

    def run(self) -> None:
        """Carry out the moves not yet done, from where the journal stands."""
        if self.status in ("undoing", "undone"):
            raise JournalError(
                f"{show_path(self.path)} 已经开始撤销，不能继续改名；"
                f"要撤销完请运行 listingkit undo {show_path(self.path)}"
            )
        if self.status == "complete":
            return
        with self._writer() as write:
            self._settle_in_flight(write, undoing=False)
            todo = [(k, m.source, m.target) for k, m in enumerate(self.moves) if k not in self.done]
            self._check_ahead(todo)
            for k, source, target in todo:
                write({"event": "begin", "k": k})
                self.begun = k
                self._rename(source, target)
                _stop_here(STOP_AFTER_STEP, k)
                write({"event": "done", "k": k})
                self.done.add(k)
                self.begun = None
            write({"event": "complete"})
            self.status = "complete"

    def _settle_in_flight(self, write: Callable[[dict[str, Any]], None], *, undoing: bool) -> None:
        """The move begun but not marked done when the run was cut off: the disk says
        whether it happened, and the journal is brought up to date with it."""
        k = self.undo_begun if undoing else self.begun
        if k is None:
            return
        if self._settle(self.moves[k], undoing=undoing):
            write({"event": "undo-done" if undoing else "done", "k": k})
            (self.undone if undoing else self.done).add(k)
        if undoing:
            self.undo_begun = None
        else:
            self.begun = None

    def resume(self) -> None:
        """Finish a run that was cut off; a complete journal is left as it is."""
        if self.status == "complete":
            return
        self.run()

    def undo(self) -> None:
        """Put back every original name (moves undone last first), and mark the journal undone."""
        if self.status == "undone":
            raise JournalError(f"{show_path(self.path)} 已经撤销过了，不需要再撤销")
        with self._writer() as write:
            self._settle_in_flight(write, undoing=False)
            self._settle_in_flight(write, undoing=True)
            todo = [
                (k, self.moves[k].target, self.moves[k].source)
                for k in sorted(self.done - self.undone, reverse=True)
            ]
            self._check_ahead(todo)
            for k, source, target in todo:
                write({"event": "undo-begin", "k": k})
                self.status = "undoing"
                self.undo_begun = k
                self._rename(source, target)
                _stop_here(STOP_AFTER_UNDO_STEP, k)
                write({"event": "undo-done", "k": k})
                self.undone.add(k)
                self.undo_begun = None
            write({"event": "undone"})
            self.status = "undone"

    @property
    def renamed(self) -> int:
        """How many planned steps are carried out (temporary hops not counted)."""
        if self.status == "complete":
            return len(self.steps)
        return 0 if self.status == "undone" else len(self.done - self.undone)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None


def _is_journal_name(name: str) -> bool:
    last = name.rsplit("/", 1)[-1]
    return last.startswith(JOURNAL_PREFIX) and last.endswith(".jsonl")


def unfinished_journals(folder: str | os.PathLike[str]) -> list[tuple[Path, str]]:
    """The journals in ``folder`` that are neither complete nor undone, with their status.

    A journal that cannot be read counts too (status ``"unreadable"``): a run it
    describes may be half done.
    """
    found: list[tuple[Path, str]] = []
    base = Path(folder)
    try:
        names = sorted(os.listdir(base))
    except OSError:
        return found
    for name in names:
        if not _is_journal_name(name):
            continue
        try:
            journal = Journal.open(base / name)
        except InputError:
            found.append((base / name, "unreadable"))
            continue
        if journal.status not in ("complete", "undone"):
            found.append((journal.path, journal.status))
    return found
