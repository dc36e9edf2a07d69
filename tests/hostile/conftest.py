"""Helpers for the hostile-input suite: the real command in a real process.

Each test here reproduces one way a user's files, a CI runner or an attacker
can break a promise in ``docs/cli.md``, and checks what a user would check:
the exit status, one clear line on stderr and no traceback, nothing written
where it should not be, no temporary file left behind.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@dataclass
class Proc:
    status: int
    out: bytes
    err: bytes

    @property
    def stdout(self) -> str:
        return self.out.decode("utf-8", "replace")

    @property
    def stderr(self) -> str:
        return self.err.decode("utf-8", "replace")

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]

    def assert_clean_failure(self, status: int = 2) -> None:
        """The status asked for, no traceback, no internal error, at least one line on stderr."""
        assert self.status == status, (self.status, self.stderr, self.stdout[:2000])
        assert "Traceback" not in self.stderr, self.stderr
        assert "内部错误" not in self.stderr, self.stderr
        assert self.err_lines, "a failure must say why on stderr"


@pytest.fixture
def listingkit(tmp_path: Path) -> Callable[..., Proc]:
    """Run ``python -m listingkit ARGS`` in tmp_path (a repository root, so no store file
    above it is picked up), with a timeout so a hang fails the test instead of CI."""
    (tmp_path / ".git").mkdir(exist_ok=True)

    def run(
        *argv: str | os.PathLike[str],
        stdin: bytes | None = None,
        timeout: float = 120,
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
    ) -> Proc:
        args: Sequence[str | os.PathLike[str]] = [sys.executable, "-m", "listingkit", *argv]
        done = subprocess.run(
            args,
            input=stdin,
            capture_output=True,
            timeout=timeout,
            cwd=cwd or tmp_path,
            env={**os.environ, **(env or {})},
        )
        return Proc(done.returncode, done.stdout, done.stderr)

    return run


def leftovers(folder: Path) -> list[str]:
    """Temporary files a writer could have left in ``folder``."""
    return sorted(
        p.name
        for p in folder.iterdir()
        if p.name.endswith((".tmp", ".partial")) or ".tmp" in p.name
    )
