"""Applying a rename plan on real files: all or nothing, never an overwrite."""

from __future__ import annotations

import hashlib
import os
import sys
import unicodedata
from pathlib import Path

import pytest

from listingkit.errors import ListingkitError
from listingkit.naming.apply import (
    RenameConflictError,
    folder_name_key,
    order_moves,
    probe_case_insensitive,
    rename_no_replace,
    replace_mode,
)
from listingkit.naming.plan import RenamePlan, RenameStep


def tree(folder: Path) -> dict[str, str]:
    """Every regular file under ``folder`` (journals aside): relative name → content hash."""
    found: dict[str, str] = {}
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink() and ".listingkit-rename-" not in path.name:
            found[path.relative_to(folder).as_posix()] = hashlib.sha256(
                path.read_bytes()
            ).hexdigest()
    return found


def files(folder: Path, **contents: str) -> None:
    for name, text in contents.items():
        (folder / name).write_text(text, encoding="utf-8")


def plan(folder: Path, *pairs: tuple[str, str]) -> RenamePlan:
    steps = [RenameStep(old, new, "A1", n, "main") for n, (old, new) in enumerate(pairs, 1)]
    return RenamePlan(folder, steps)


def contents(folder: Path) -> dict[str, str]:
    return {
        p.name: p.read_text(encoding="utf-8")
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(".")
    }


def test_swap_goes_through_a_temporary_name(tmp_path: Path) -> None:
    files(tmp_path, a="A", b="B")
    journal = plan(tmp_path, ("a", "b"), ("b", "a")).apply()
    assert contents(tmp_path) == {"a": "B", "b": "A"}
    assert journal.status == "complete"
    assert any(m.target.startswith(".listingkit-tmp-") for m in journal.moves)
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".listingkit-tmp-")]


def test_cycle_of_three_and_a_chain(tmp_path: Path) -> None:
    files(tmp_path, a="A", b="B", c="C", x="X", y="Y")
    plan(tmp_path, ("a", "b"), ("b", "c"), ("c", "a"), ("x", "y"), ("y", "z")).apply()
    assert contents(tmp_path) == {"b": "A", "c": "B", "a": "C", "y": "X", "z": "Y"}


def test_chain_runs_from_its_end_without_temporary_names() -> None:
    moves = order_moves([("a", "b"), ("b", "c")], key=folder_name_key(False, False))
    assert [(m.source, m.target) for m in moves] == [("b", "c"), ("a", "b")]


def test_case_only_rename(tmp_path: Path) -> None:
    files(tmp_path, **{"A1.jpg": "photo"})
    plan(tmp_path, ("A1.jpg", "a1.jpg")).apply()
    assert os.listdir(tmp_path).count("a1.jpg") == 1
    assert "A1.jpg" not in os.listdir(tmp_path)
    assert (tmp_path / "a1.jpg").read_text(encoding="utf-8") == "photo"


def test_nfd_name_renamed_to_nfc_form(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "A1_米色é_01.jpg")
    nfc = unicodedata.normalize("NFC", nfd)
    (tmp_path / nfd).write_text("photo", encoding="utf-8")
    assert nfd != nfc
    plan(tmp_path, (nfd, nfc)).apply()
    assert [n for n in os.listdir(tmp_path) if not n.startswith(".")] == [nfc]
    assert (tmp_path / nfc).read_text(encoding="utf-8") == "photo"


def test_new_name_that_is_the_nfd_twin_of_a_kept_file_is_refused(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "é.jpg")
    nfc = unicodedata.normalize("NFC", "é.jpg")
    (tmp_path / nfd).write_text("kept", encoding="utf-8")
    (tmp_path / "x.jpg").write_text("moved", encoding="utf-8")
    before = tree(tmp_path)
    with pytest.raises(RenameConflictError) as caught:
        plan(tmp_path, ("x.jpg", nfc)).apply()
    assert before == tree(tmp_path)
    assert "NFC/NFD" in str(caught.value)


def test_new_name_equal_but_for_case_to_a_kept_file_is_refused(tmp_path: Path) -> None:
    files(tmp_path, **{"A1_01.jpg": "kept", "x.jpg": "moved"})
    before = tree(tmp_path)
    with pytest.raises(RenameConflictError) as caught:
        plan(tmp_path, ("x.jpg", "a1_01.jpg")).apply()
    assert tree(tmp_path) == before
    assert "只差大小写" in str(caught.value)


def test_every_conflict_listed_and_nothing_moved(tmp_path: Path) -> None:
    files(tmp_path, a="A", b="B", c="C", kept="K")
    before = tree(tmp_path)
    bad = plan(tmp_path, ("a", "kept"), ("b", "same"), ("c", "same"), ("missing", "m2"))
    with pytest.raises(RenameConflictError) as caught:
        bad.apply()
    message = str(caught.value)
    assert tree(tmp_path) == before
    assert {c.kind for c in caught.value.conflicts} == {"target-exists", "same-target", "missing"}
    assert "kept 已存在" in message and "都要改成 same" in message and "missing 不存在" in message
    assert "一个文件都没有改名" in message
    assert isinstance(caught.value, ListingkitError)


@pytest.mark.parametrize("target", ["../x.jpg", "/tmp/x.jpg", "sub/../../x.jpg", "", "a\\b.jpg"])
def test_names_outside_the_folder_are_refused(tmp_path: Path, target: str) -> None:
    inner = tmp_path / "photos"
    inner.mkdir()
    files(inner, a="A")
    with pytest.raises(RenameConflictError) as caught:
        plan(inner, ("a", target)).apply()
    assert caught.value.conflicts[0].kind == "outside"
    assert tree(tmp_path) == {"photos/a": hashlib.sha256(b"A").hexdigest()}


def test_symlinked_file_and_folder_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    files(outside, real="R")
    inner = tmp_path / "photos"
    inner.mkdir()
    (inner / "link.jpg").symlink_to(outside / "real")
    (inner / "sub").symlink_to(outside)
    with pytest.raises(RenameConflictError) as caught:
        plan(inner, ("link.jpg", "new.jpg"), ("sub/real", "sub/moved")).apply()
    assert {c.kind for c in caught.value.conflicts} == {"symlink"}
    assert os.listdir(outside) == ["real"]
    assert (inner / "link.jpg").is_symlink()


def test_rename_no_replace_never_overwrites(tmp_path: Path) -> None:
    files(tmp_path, a="A", b="B")
    with pytest.raises(FileExistsError):
        rename_no_replace(tmp_path / "a", tmp_path / "b")
    assert contents(tmp_path) == {"a": "A", "b": "B"}
    rename_no_replace(tmp_path / "a", tmp_path / "c")
    assert contents(tmp_path) == {"b": "B", "c": "A"}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
def test_linux_uses_the_atomic_no_replace_rename() -> None:
    assert replace_mode() == "renameat2"


def test_probe_tells_this_file_system_apart(tmp_path: Path) -> None:
    files(tmp_path, Abc="x")
    case, _ = probe_case_insensitive(tmp_path, write=False)
    assert case == os.path.exists(tmp_path / "aBC")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert probe_case_insensitive(empty, write=True)[0] == case
    assert os.listdir(empty) == []  # the probe file is gone


def test_hard_to_break_names_keep_their_bytes(tmp_path: Path) -> None:
    files(tmp_path, **{"IMG 1 (复件).JPG": "one", "图#2%.jpg": "two"})
    before = sorted(tree(tmp_path).values())
    journal = plan(tmp_path, ("IMG 1 (复件).JPG", "图#2%.jpg"), ("图#2%.jpg", "A1_01.jpg")).apply()
    assert contents(tmp_path) == {"图#2%.jpg": "one", "A1_01.jpg": "two"}
    journal.undo()
    assert contents(tmp_path) == {"IMG 1 (复件).JPG": "one", "图#2%.jpg": "two"}
    assert sorted(tree(tmp_path).values()) == before


@pytest.mark.skipif(sys.platform == "darwin", reason="APFS refuses names that are not UTF-8")
def test_name_that_is_not_utf8_survives_the_journal(tmp_path: Path) -> None:
    odd = os.fsdecode(b"IMG_\xff.jpg")
    (tmp_path / odd).write_bytes(b"raw")
    journal = plan(tmp_path, (odd, "A1_01.jpg")).apply()
    assert contents(tmp_path) == {"A1_01.jpg": "raw"}
    from listingkit.naming.journal import Journal

    Journal.open(journal.path).undo()
    assert os.listdir(os.fsencode(tmp_path)).count(b"IMG_\xff.jpg") == 1


def test_on_a_case_blind_file_system_a_case_change_hops_through_a_temporary_name() -> None:
    blind = folder_name_key(True, True)
    moves = order_moves([("A1.jpg", "a1.jpg")], key=blind)
    assert len(moves) == 2 and moves[0].target.startswith(".listingkit-tmp-")
    assert (moves[0].source, moves[1].target) == ("A1.jpg", "a1.jpg")
    # where case counts, the same step is one rename
    assert len(order_moves([("A1.jpg", "a1.jpg")], key=folder_name_key(False, False))) == 1


def test_names_one_apart_in_case_are_one_target_on_a_case_blind_file_system(
    tmp_path: Path,
) -> None:
    from listingkit.naming.apply import find_conflicts

    files(tmp_path, **{"x.jpg": "x", "y.jpg": "y"})
    steps = [("x.jpg", "A1_01.jpg"), ("y.jpg", "a1_01.jpg")]
    blind = find_conflicts(tmp_path, steps, case_insensitive=True, unicode_insensitive=True)
    assert "same-target" in {c.kind for c in blind}
    seeing = find_conflicts(tmp_path, steps, case_insensitive=False, unicode_insensitive=False)
    assert {c.kind for c in seeing} == {"case-clash"}
