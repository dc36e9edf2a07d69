"""The rename journal: its lines, undo, resume, and journals that are damaged or hostile."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from listingkit.naming.apply import Move, folder_name_key, order_moves
from listingkit.naming.journal import Journal, JournalError, unfinished_journals
from listingkit.naming.plan import RenamePlan, RenameStep

PAIRS = [("a.jpg", "b.jpg"), ("b.jpg", "c.jpg"), ("c.jpg", "a.jpg"), ("x.jpg", "A1_01.jpg")]


def tree(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(".listingkit-rename-")
    }


def make(folder: Path) -> dict[str, str]:
    for name in ("a.jpg", "b.jpg", "c.jpg", "x.jpg"):
        (folder / name).write_bytes(os.urandom(64) + name.encode())
    return tree(folder)


def apply(folder: Path) -> Journal:
    steps = [RenameStep(old, new, "A1", n, "main") for n, (old, new) in enumerate(PAIRS, 1)]
    return RenamePlan(folder, steps).apply()


def records(journal: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in journal.read_text(encoding="ascii").splitlines()]


def test_journal_lines_and_undo_restore_every_byte(tmp_path: Path) -> None:
    before = make(tmp_path)
    journal = apply(tmp_path)
    assert journal.path.parent == tmp_path
    assert journal.path.name.startswith(".listingkit-rename-")
    lines = records(journal.path)
    header, events = lines[0], lines[1:]
    assert header["listingkit"] == "rename-journal"
    assert header["steps"] == [list(pair) for pair in PAIRS]
    n = len(journal.moves)
    expected = [
        e for k in range(n) for e in ({"event": "begin", "k": k}, {"event": "done", "k": k})
    ]
    assert events == [*expected, {"event": "complete"}]
    after = tree(tmp_path)
    assert sorted(after.values()) == sorted(before.values())
    assert after["b.jpg"] == before["a.jpg"] and after["A1_01.jpg"] == before["x.jpg"]

    Journal.open(journal.path).undo()
    assert tree(tmp_path) == before
    assert records(journal.path)[-1] == {"event": "undone"}
    assert unfinished_journals(tmp_path) == []
    with pytest.raises(JournalError, match="已经撤销过了"):
        Journal.open(journal.path).undo()


def _half_done(folder: Path, done: int, renamed_in_flight: bool) -> Path:
    """A journal as a run cut off after ``done`` moves leaves it, move ``done`` begun."""
    moves = order_moves(PAIRS, key=folder_name_key(False, False))
    journal = Journal.create(folder, PAIRS, moves)
    lines = []
    for k, move in enumerate(moves[:done]):
        os.rename(folder / move.source, folder / move.target)
        lines += [{"event": "begin", "k": k}, {"event": "done", "k": k}]
    lines.append({"event": "begin", "k": done})
    if renamed_in_flight:
        os.rename(folder / moves[done].source, folder / moves[done].target)
    with journal.path.open("a", encoding="ascii") as handle:
        handle.writelines(json.dumps(line) + "\n" for line in lines)
    return journal.path


@pytest.mark.parametrize("in_flight", [False, True])
@pytest.mark.parametrize("done", [0, 2, 3])
def test_cut_off_run_is_resumed_or_undone(tmp_path: Path, done: int, in_flight: bool) -> None:
    before = make(tmp_path)
    path = _half_done(tmp_path, done, in_flight)
    assert unfinished_journals(tmp_path) == [(path, "unfinished")]
    # with the run cut off, a new apply is refused
    with pytest.raises(JournalError, match="--resume"):
        apply(tmp_path)
    Journal.open(path).undo()
    assert tree(tmp_path) == before

    for stale in tmp_path.glob(".listingkit-rename-*"):
        stale.unlink()
    path = _half_done(tmp_path, done, in_flight)
    Journal.open(path).resume()
    after = tree(tmp_path)
    assert set(after) == {"a.jpg", "b.jpg", "c.jpg", "A1_01.jpg"}
    assert after["b.jpg"] == before["a.jpg"] and after["a.jpg"] == before["c.jpg"]
    assert records(path)[-1] == {"event": "complete"}


def test_truncated_last_line_is_ignored_and_cut_away(tmp_path: Path) -> None:
    before = make(tmp_path)
    path = _half_done(tmp_path, 2, False)
    with path.open("ab") as handle:
        handle.write(b'{"event": "do')  # power lost mid-line
    journal = Journal.open(path)
    assert journal.done == {0, 1} and journal.begun == 2
    journal.undo()
    assert tree(tmp_path) == before
    assert all(isinstance(r, dict) for r in records(path))  # every line parses again


def test_corrupt_line_is_refused_with_its_number(tmp_path: Path) -> None:
    make(tmp_path)
    path = _half_done(tmp_path, 1, False)
    text = path.read_text(encoding="ascii").splitlines()
    text[1] = "not json"
    path.write_text("\n".join(text) + "\n", encoding="ascii")
    with pytest.raises(JournalError, match="第 2 行损坏"):
        Journal.open(path)


def test_header_cut_off_means_nothing_moved(tmp_path: Path) -> None:
    path = tmp_path / ".listingkit-rename-x.jsonl"
    path.write_bytes(b'{"listingkit": "rename-jour')
    with pytest.raises(JournalError, match="可以直接删除"):
        Journal.open(path)
    assert unfinished_journals(tmp_path) == [(path, "unreadable")]


@pytest.mark.parametrize(
    "bad", ["../outside.jpg", "/etc/passwd", "sub/../../x", ".listingkit-rename-1.jsonl"]
)
def test_paths_outside_the_folder_are_refused(tmp_path: Path, bad: str) -> None:
    inner = tmp_path / "photos"
    inner.mkdir()
    (tmp_path / "outside.jpg").write_text("not ours", encoding="utf-8")
    header = {
        "listingkit": "rename-journal",
        "version": 1,
        "folder": str(inner),
        "steps": [["a.jpg", bad]],
        "moves": [[bad, "a.jpg"]],
    }
    path = inner / ".listingkit-rename-evil.jsonl"
    path.write_text(json.dumps(header) + "\n" + '{"event": "complete"}\n', encoding="ascii")
    with pytest.raises(JournalError, match="文件夹之外"):
        Journal.open(path).undo()
    assert (tmp_path / "outside.jpg").read_text(encoding="utf-8") == "not ours"
    assert sorted(os.listdir(inner)) == [path.name]


def test_undo_refuses_to_overwrite_a_file_made_since(tmp_path: Path) -> None:
    make(tmp_path)
    journal = apply(tmp_path)
    (tmp_path / "x.jpg").write_text("new work since the rename", encoding="utf-8")
    middle = tree(tmp_path)
    with pytest.raises(JournalError, match=r"x\.jpg 已被别的文件占用"):
        Journal.open(journal.path).undo()
    assert tree(tmp_path) == middle  # checked ahead: nothing moved


def test_undo_notices_a_missing_file_before_moving_any(tmp_path: Path) -> None:
    make(tmp_path)
    journal = apply(tmp_path)
    (tmp_path / "A1_01.jpg").unlink()
    middle = tree(tmp_path)
    with pytest.raises(JournalError, match=r"A1_01\.jpg 不见了"):
        Journal.open(journal.path).undo()
    assert tree(tmp_path) == middle


def test_resume_of_a_complete_journal_changes_nothing(tmp_path: Path) -> None:
    make(tmp_path)
    journal = apply(tmp_path)
    after = tree(tmp_path)
    Journal.open(journal.path).resume()
    assert tree(tmp_path) == after


def test_move_paths_are_relative(tmp_path: Path) -> None:
    make(tmp_path)
    journal = apply(tmp_path)
    assert all(isinstance(m, Move) and not m.source.startswith("/") for m in journal.moves)


def test_journal_moving_through_a_linked_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim.jpg").write_text("not ours", encoding="utf-8")
    inner = tmp_path / "photos"
    inner.mkdir()
    (inner / "sub").symlink_to(outside, target_is_directory=True)
    header = {
        "listingkit": "rename-journal",
        "version": 1,
        "steps": [["sub/victim.jpg", "sub/gone.jpg"]],
        "moves": [["sub/victim.jpg", "sub/gone.jpg"]],
    }
    path = inner / ".listingkit-rename-link.jsonl"
    path.write_text(json.dumps(header) + "\n", encoding="ascii")
    with pytest.raises(JournalError, match="符号链接"):
        Journal.open(path).resume()
    assert os.listdir(outside) == ["victim.jpg"]
