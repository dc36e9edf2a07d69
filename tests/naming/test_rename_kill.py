"""``listingkit rename --apply`` killed (SIGKILL) at every step and at random moments.

After each kill, ``listingkit undo`` or ``listingkit rename --resume`` must
leave the folder exactly as before or exactly as planned: the same file
contents (no file lost, duplicated or overwritten), under all old names or all
new names, no temporary name left. The kill at step k uses the journal's test
hook ``LISTINGKIT_TEST_STOP_AFTER_STEP`` (the process SIGKILLs itself right
after the rename of move k, before the journal marks it done).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL and renameat2 are POSIX")

# Sheet order makes a 3-cycle (02→01, 03→02, 01→03), a swap (05→04, 04→05),
# a case-only extension change and a plain rename.
ROWS = [
    ("A1_02.jpg", "A1"),
    ("A1_03.jpg", "A1"),
    ("A1_01.jpg", "A1"),
    ("A1_05.jpg", "A1"),
    ("A1_04.jpg", "A1"),
    ("B2_01.JPG", "B2"),
    ("DSC9.jpg", "B2"),
]
NEW = ["A1_01.jpg", "A1_02.jpg", "A1_03.jpg", "A1_04.jpg", "A1_05.jpg", "B2_01.jpg", "B2_02.jpg"]


def tree(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.iterdir()
        if not p.name.startswith(".listingkit-rename-")
    }


def setup(base: Path, rows: list[tuple[str, str]]) -> tuple[Path, Path, dict[str, str]]:
    folder = base / "photos"
    folder.mkdir()
    for old, _ in rows:
        (folder / old).write_bytes(os.urandom(256) + old.encode())
    sheet = base / "map.csv"
    sheet.write_text(
        "原文件名,货号\n" + "".join(f"{old},{item}\n" for old, item in rows), encoding="utf-8"
    )
    return folder, sheet, tree(folder)


def planned(before: dict[str, str], rows: list[tuple[str, str]], new: list[str]) -> dict[str, str]:
    return {name: before[old] for (old, _), name in zip(rows, new, strict=True)}


def command(folder: Path, sheet: Path, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "listingkit", "rename", str(folder), "--platform", "taobao",
        "--sheet", str(sheet), *extra,
    ]  # fmt: skip


def run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, env={**os.environ, **env}, capture_output=True, text=True, timeout=120
    )


def journal_of(folder: Path) -> Path | None:
    found = list(folder.glob(".listingkit-rename-*.jsonl"))
    assert len(found) <= 1
    return found[0] if found else None


def recover(folder: Path, how: str, *, in_process: bool = False) -> None:
    """Undo or resume the run the folder's journal describes (through the CLI, or the API)."""
    journal = journal_of(folder)
    if journal is None:
        return
    if in_process:
        from listingkit import Journal

        cut_off = Journal.open(journal)
        if how == "undo":
            cut_off.undo()
        else:
            cut_off.resume()
        return
    if how == "undo":
        done = run([sys.executable, "-m", "listingkit", "undo", str(journal)])
    else:
        done = run([sys.executable, "-m", "listingkit", "rename", str(folder), "--resume"])
    assert done.returncode == 0, done.stderr


def moves_in_plan(tmp_path: Path) -> int:
    (tmp_path / "count").mkdir()
    folder, sheet, _ = setup(tmp_path / "count", ROWS)
    done = run(command(folder, sheet, "--apply"))
    assert done.returncode == 0, done.stderr
    journal = journal_of(folder)
    assert journal is not None
    header = json.loads(journal.read_text(encoding="ascii").splitlines()[0])
    moves = len(header["moves"])
    assert moves > len(ROWS)  # the cycle, the swap and the case change add temporary hops
    return moves


def test_killed_after_every_step_then_undone_or_resumed(tmp_path: Path) -> None:
    moves = moves_in_plan(tmp_path)
    for k in range(moves):
        for how in ("undo", "resume"):
            base = tmp_path / f"{k}-{how}"
            base.mkdir()
            folder, sheet, before = setup(base, ROWS)
            killed = run(command(folder, sheet, "--apply"), LISTINGKIT_TEST_STOP_AFTER_STEP=str(k))
            assert killed.returncode == -signal.SIGKILL, killed.stderr
            middle = tree(folder)
            assert middle not in (before, planned(before, ROWS, NEW)) or k == moves - 1
            recover(folder, how, in_process=True)
            expected = before if how == "undo" else planned(before, ROWS, NEW)
            assert tree(folder) == expected, (k, how)


@pytest.mark.parametrize("k", [0, 3])
def test_undo_killed_midway_is_undone_again(tmp_path: Path, k: int) -> None:
    folder, sheet, before = setup(tmp_path, ROWS)
    assert run(command(folder, sheet, "--apply")).returncode == 0
    journal = journal_of(folder)
    assert journal is not None
    killed = run(
        [sys.executable, "-m", "listingkit", "undo", str(journal)],
        LISTINGKIT_TEST_STOP_AFTER_UNDO_STEP=str(k),
    )
    assert killed.returncode == -signal.SIGKILL
    resumed = run(command(folder, sheet, "--resume"))
    assert resumed.returncode == 2 and "撤销" in resumed.stderr  # an undo is finished by undo
    recover(folder, "undo")
    assert tree(folder) == before


def test_killed_at_random_moments(tmp_path: Path) -> None:
    # Many files in cycles, so that a kill lands while renames are under way.
    rows: list[tuple[str, str]] = []
    for item in range(12):
        names = [f"C{item}_{n:02d}.jpg" for n in (2, 3, 4, 1, 6, 5)]
        rows += [(name, f"C{item}") for name in names]
    new = [f"C{item}_{n:02d}.jpg" for item in range(12) for n in range(1, 7)]
    chance = random.Random(20261127)
    outcomes = set()
    for attempt in range(6):
        base = tmp_path / str(attempt)
        base.mkdir()
        folder, sheet, before = setup(base, rows)
        process = subprocess.Popen(
            command(folder, sheet, "--apply"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 60
        while journal_of(folder) is None and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.001)
        time.sleep(chance.uniform(0, 0.03))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        how = ("undo", "resume")[attempt % 2]
        started = journal_of(folder) is not None
        recover(folder, how)
        after = tree(folder)
        if how == "resume" and started:
            assert after == planned(before, rows, new), attempt
        else:
            assert after == before, attempt
        outcomes.add(started)
    assert any(outcomes), "no killed run got as far as writing its journal"
