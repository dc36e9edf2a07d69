"""``listingkit <command>`` builds and imports only that command; what users see is unchanged.

The command list in ``listingkit.cli.COMMANDS`` repeats each command's help
line so ``listingkit --help`` can list every command without importing it;
these tests hold the lazily built parser to the parser built from every
command module, and show what an image run leaves unloaded.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from listingkit.cli import COMMANDS, build_parser

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ROOT / "fixtures" / "store" / "连衣裙-A001"
NAMES = [name for name, _, _ in COMMANDS]


def _commands(parser: argparse.ArgumentParser) -> dict[str, Any]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _helps(parser: Any) -> dict[str, str]:
    """Every help page of a parser and of the parsers below it (``rules show`` …)."""
    pages = {parser.prog: parser.format_help()}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for below in action.choices.values():
                pages |= _helps(below)
    return pages


def test_the_command_list_is_every_command_the_modules_build() -> None:
    full = _commands(build_parser())
    assert list(full) == NAMES, (
        "listingkit.cli.COMMANDS must name every command the cli modules build, in their order"
    )


def test_listingkit_help_lists_every_command_with_its_own_help_line() -> None:
    full = build_parser().format_help()
    for argv in (["--help"], [], ["frobnicate"]):
        assert build_parser(argv).format_help() == full, argv
    for name in NAMES:
        assert name in full


@pytest.mark.parametrize("name", NAMES)
def test_a_command_built_alone_has_the_same_help_pages(name: str) -> None:
    full = _helps(build_parser())
    alone = _helps(build_parser(["--debug", name, "--help"]))
    assert alone[f"listingkit {name}"] == full[f"listingkit {name}"]
    below = {prog for prog in full if prog.startswith(f"listingkit {name} ")}
    assert {prog: alone[prog] for prog in below} == {prog: full[prog] for prog in below}
    assert alone["listingkit"] == full["listingkit"]


def test_a_header_only_image_run_loads_no_other_command_and_no_pixel_library(
    tmp_path: Path,
) -> None:
    script = (
        "import json, sys\n"
        "from listingkit.cli import main\n"
        f"status = main(['images', {str(PRODUCT)!r}, '--platform', 'taobao',\n"
        "               '--ignore', 'IMG030,IMG031', '--format', 'json'])\n"
        "watched = ('numpy', 'openpyxl', 'jieba', 'icalendar', 'pydantic',\n"
        "           'listingkit.cli.titles', 'listingkit.cli.slots', 'listingkit.cli.rules',\n"
        "           'listingkit.cli.rename', 'listingkit.cli.cache')\n"
        "print(json.dumps([status, [m for m in watched if m in sys.modules]]), file=sys.stderr)\n"
    )
    environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    environment.pop("LISTINGKIT_NO_CACHE", None)

    def run() -> tuple[list[Any], list[Any]]:
        done = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=environment,
            timeout=120,
            check=False,
        )
        report = json.loads(done.stdout)
        return json.loads(done.stderr.strip().splitlines()[-1]), report["findings"]

    (status, _), cold = run()  # fills the cache
    (warm_status, loaded), warm = run()
    assert warm_status == status and warm == cold
    assert any(finding["code"].startswith("IMG") for finding in warm)
    assert loaded == []


@pytest.mark.parametrize(
    "code",
    [
        "import listingkit",
        "import listingkit.cli",
        "from listingkit.cli import main; main(['--help'])",
        "from listingkit.cli import main; main(['cache'])",
    ],
)
def test_importing_listingkit_or_asking_for_help_loads_no_heavy_library(
    code: str, tmp_path: Path
) -> None:
    script = (
        f"{code}\n"
        "import sys\n"
        "heavy = ('numpy', 'PIL', 'openpyxl', 'jieba', 'icalendar', 'pydantic', 'tomllib',\n"
        "         'python_calamine', 'listingkit.engine', 'listingkit.cli.images')\n"
        "print([m for m in heavy if m in sys.modules], file=sys.stderr)\n"
    )
    environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "[]"
