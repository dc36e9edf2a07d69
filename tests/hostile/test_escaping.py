"""Hostile names and titles reach no terminal, forge no CI line and break no format.

A photographer's file named ``a⏎::error file=x::forged`` with an ESC colour code
in it, a file whose name is not UTF-8, titles with ESC, BEL, CR and NEL: every
format, on standard output (strict UTF-8) and with ``-o``, gives exit 0/1, valid
UTF-8, a document its parser accepts, and no raw control byte.
"""

from __future__ import annotations

import csv
import json
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from listingkit.output import TEXT_FORMATS
from tests.hostile.conftest import Proc, leftovers

FORGED = "a\n::error file=x::forged\x1b[31m.jpg"
NOT_UTF8 = b"\xff\xfe.txt"
TITLES = ["夏季\x1b[31m纯棉短袖T恤", "纯棉\x07短袖T恤男", "短袖\x7fT恤\x9b男"]
CELLS = ["夏季纯棉\r短袖T恤", "夏季纯棉\x85短袖T恤", "碎花\u2028连衣裙"]
# No output may hold these raw: JSON writes them as \u escapes, the others as \x1b-style text.
RAW = [b"\x1b", b"\x07", b"\r", b"\x7f", "\x85".encode(), "\x9b".encode(), "\u2028".encode()]
SCHEMA = Path(__file__).parent.parent / "output" / "schemas" / "sarif-schema-2.1.0.json"
# UTF-8 strictly, whatever the locale: a name that is not UTF-8 must not need surrogateescape.
STRICT = {"PYTHONIOENCODING": "utf-8:strict", "LC_ALL": "C.UTF-8", "NO_COLOR": ""}


def _hostile_folder(root: Path) -> Path:
    """A product folder with a forged-annotation name and a name that is not UTF-8."""
    folder = root / "商品"
    folder.mkdir()
    (folder / FORGED).write_bytes(b"")
    with open(os.path.join(os.fsencode(folder), NOT_UTF8), "wb") as handle:
        handle.write(b"")
    return folder


def _title_files(root: Path) -> None:
    """A .txt of titles with controls, named with an OSC sequence, and a CSV with CR/NEL cells."""
    text = root / "标题\x1b]0;owned\x07.txt"
    text.write_text("\n".join(TITLES) + "\n", encoding="utf-8")
    sheet = root / "标题.csv"
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["标题"], *([cell] for cell in CELLS)])
    raw = os.path.join(os.fsencode(root), NOT_UTF8)
    with open(raw, "wb") as handle:
        handle.write("夏季纯棉\x1b短袖T恤\n".encode())


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One hostile tree for the module (a repository root, so no store file above it counts)."""
    root = tmp_path_factory.mktemp("hostile")
    (root / ".git").mkdir()
    work = root / "work"
    work.mkdir()
    _hostile_folder(work)
    _title_files(work)
    return root


COMMANDS = {
    "check": ["check", "work/商品", "--platform", "taobao"],
    "lint-titles": [
        "lint-titles",
        "work/标题\x1b]0;owned\x07.txt",
        "work/标题.csv",
        "work/" + os.fsdecode(NOT_UTF8),
        "--text",
        "直接给出\x1b[2J\x07的标题",
        "--platform",
        "taobao",
    ],
}


@pytest.fixture(scope="module")
def found() -> dict[str, list[dict[str, Any]]]:
    """The findings of each command as JSON gives them, filled on first use."""
    return {}


@pytest.fixture(scope="module")
def sarif_validator() -> jsonschema.Draft7Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator({**schema, "$ref": "#/definitions/Root"})


def _run(
    listingkit: Callable[..., Proc], root: Path, command: str, fmt: str, target: Path | None
) -> bytes:
    extra = ["--format", fmt] + (["-o", str(target)] if target is not None else [])
    proc = listingkit(*COMMANDS[command], *extra, env=STRICT, cwd=root)
    assert proc.status in (0, 1), (proc.status, proc.stderr)
    assert "Traceback" not in proc.stderr and "内部错误" not in proc.stderr, proc.stderr
    if target is None:
        return proc.out
    assert proc.out == b"", "with -o the report goes to the file only"
    assert leftovers(target.parent) == []
    return target.read_bytes()


def _findings(
    listingkit: Callable[..., Proc],
    root: Path,
    found: dict[str, list[dict[str, Any]]],
    command: str,
) -> list[dict[str, Any]]:
    if command not in found:
        found[command] = json.loads(_run(listingkit, root, command, "json", None))["findings"]
    return found[command]


def _assert_format(
    fmt: str, text: str, findings: list[dict[str, Any]], validator: jsonschema.Draft7Validator
) -> None:
    if fmt == "json":
        assert len(json.loads(text)["findings"]) == len(findings)
    elif fmt == "sarif":
        log = json.loads(text)
        validator.validate(log)
        assert len(log["runs"][0]["results"]) == len(findings)
    elif fmt == "junit":
        root = ET.fromstring(text.encode("utf-8"))
        assert root.tag == "testsuites"
        # XML 1.0 allows tab, newline and CR below U+0020 and nothing of U+FFFE/U+FFFF.
        assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", text)
    elif fmt == "github":
        lines = text.splitlines()
        commands = [line for line in lines if line.startswith("::")]
        annotations = [c for c in commands if c.startswith(("::error ", "::warning ", "::notice "))]
        groups = {f["location"]["path"] for f in findings}
        assert len(annotations) == len(findings)
        assert sum(c.startswith("::group::") for c in commands) == len(groups)
        assert sum(c == "::endgroup::" for c in commands) == len(groups)
        assert len(commands) == len(findings) + 2 * len(groups)
        assert not any(line.startswith("::error file=x") for line in lines)


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
@pytest.mark.parametrize("command", ["check", "lint-titles"])
@pytest.mark.parametrize("to_file", [False, True], ids=["stdout", "file"])
def test_every_format_is_safe(
    listingkit: Callable[..., Proc],
    root: Path,
    found: dict[str, list[dict[str, Any]]],
    sarif_validator: jsonschema.Draft7Validator,
    tmp_path: Path,
    fmt: str,
    command: str,
    to_file: bool,
) -> None:
    findings = _findings(listingkit, root, found, command)
    assert findings, "the hostile input must give findings, or the test shows nothing"
    target = tmp_path / "out" / f"报告.{fmt}" if to_file else None
    if target is not None:
        target.parent.mkdir()
    data = _run(listingkit, root, command, fmt, target)
    text = data.decode("utf-8")  # strict: raises on any byte that is not UTF-8
    for raw in RAW:
        assert raw not in data, (raw, text[:3000])
    _assert_format(fmt, text, findings, sarif_validator)


@pytest.mark.parametrize("fmt", ["text", "github", "junit"])
def test_names_are_shown_with_visible_escapes(
    listingkit: Callable[..., Proc], root: Path, fmt: str
) -> None:
    text = _run(listingkit, root, "check", fmt, None).decode("utf-8")
    assert "\\xff\\xfe.txt" in text
    assert "forged\\x1b[31m.jpg" in text
    assert "a\\x0a" in text


def test_json_keeps_valid_names_exactly_and_escapes_undecodable_bytes(
    listingkit: Callable[..., Proc], root: Path, found: dict[str, list[dict[str, Any]]]
) -> None:
    paths = {f["location"]["path"] for f in _findings(listingkit, root, found, "check")}
    assert paths == {f"work/商品/{FORGED}", "work/商品/\\xff\\xfe.txt"}


def test_sarif_uri_is_the_bytes_on_disk(listingkit: Callable[..., Proc], root: Path) -> None:
    log = json.loads(_run(listingkit, root, "check", "sarif", None))
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
    }
    folder = "work/%E5%95%86%E5%93%81/"
    assert uris == {
        folder + "%FF%FE.txt",
        folder + "a%0A%3A%3Aerror%20file%3Dx%3A%3Aforged%1B%5B31m.jpg",
    }


def test_control_characters_in_titles_are_findings(
    listingkit: Callable[..., Proc], root: Path, found: dict[str, list[dict[str, Any]]]
) -> None:
    codes = {
        (f["location"]["path"], f["location"]["row"], f["code"])
        for f in _findings(listingkit, root, found, "lint-titles")
    }
    txt = "work/标题\x1b]0;owned\x07.txt"
    # ESC, BEL, DEL and CSI are controls (TITLE004); CR, NEL and U+2028 are line
    # breaks, which Taobao replaces (TITLE003).
    assert {(txt, 1, "TITLE004"), (txt, 2, "TITLE004"), (txt, 3, "TITLE004")} <= codes
    assert {("work/标题.csv", row, "TITLE003") for row in (2, 3, 4)} <= codes
    assert ("work/\\xff\\xfe.txt", 1, "TITLE004") in codes
    assert ("--text", None, "TITLE004") in codes
    messages = [f["message"] for f in found["lint-titles"] if f["code"] == "TITLE004"]
    assert any("U+001B ESC" in m for m in messages) and any("U+0007 BEL" in m for m in messages)
