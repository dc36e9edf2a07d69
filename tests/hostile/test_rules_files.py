"""Rule files, word lists and watermark templates that would hang, exhaust or crash a run.

Each is a real file made in the test (a FIFO, a link to /dev/zero, a folder, a
file over the size limit, TOML nested 3,000 deep, an image bomb …), handed to
the real command in a real process. The promise: one ``CONF`` line naming the
file (and key), exit 2, within seconds, no traceback.
"""

from __future__ import annotations

import io
import os
import shutil
import struct
import subprocess
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from listingkit.safeio import MAX_RULE_FILE_BYTES
from tests.hostile.conftest import AS_ROOT, Proc

HEAD = 'extends = "taobao"\nstore = "测试店"\n'
SOURCES = '[sources.s]\ntitle = "本店"\ngrade = "A"\n'
# A run must say what is wrong long before this; a hang fails the test instead of CI.
QUICK = 60


def only_line(proc: Proc) -> str:
    proc.assert_clean_failure(2)
    assert len(proc.err_lines) == 1, proc.stderr
    return proc.err_lines[0]


def fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def zero_link(path: Path) -> Path:
    path.symlink_to("/dev/zero")
    return path


def folder(path: Path) -> Path:
    path.mkdir()
    return path


def oversize(path: Path) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(HEAD)
        handle.write("# 填充\n" * (MAX_RULE_FILE_BYTES // 8 + 1))
    return path


NOT_READABLE = {
    "fifo": (fifo, "是一个管道（FIFO）"),
    "dev-zero": (zero_link, "是一个字符设备"),
    "folder": (folder, "是一个文件夹"),
    "oversize": (oversize, f"超过可读取的上限 {MAX_RULE_FILE_BYTES / (1024 * 1024):.1f} MB"),
}


# --- the rule file itself ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", NOT_READABLE)
def test_rules_validate_refuses_a_rule_file_that_is_not_a_readable_file(listingkit, tmp_path, kind):
    make, words = NOT_READABLE[kind]
    path = make(tmp_path / "listingkit.toml")
    line = only_line(listingkit("rules", "validate", path, timeout=QUICK))
    assert line.startswith(f"{path.name}: 规则文件"), line
    assert words in line and line.endswith("[CONF010]"), line


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_lint_titles_with_rules_that_never_end_stops_at_once(listingkit, tmp_path, kind):
    make, words = NOT_READABLE[kind]
    path = make(tmp_path / "rules.toml")
    proc = listingkit("lint-titles", "--text", "x", "--rules", path, timeout=QUICK)
    line = only_line(proc)
    assert words in line and line.endswith("[CONF010]"), line
    assert proc.stdout == ""


def test_a_store_file_that_is_a_fifo_is_reported_not_waited_on(listingkit, tmp_path):
    fifo(tmp_path / "listingkit.toml")
    proc = listingkit("lint-titles", "--text", "x", "--platform", "taobao", timeout=QUICK)
    assert "是一个管道（FIFO）" in only_line(proc)


def test_extends_naming_a_fifo_is_refused(listingkit, tmp_path):
    fifo(tmp_path / "base.toml")
    path = tmp_path / "listingkit.toml"
    path.write_text('extends = "base.toml"\nstore = "x"\n', encoding="utf-8")
    line = only_line(listingkit("rules", "validate", path, timeout=QUICK))
    assert "base.toml" in line and "是一个管道（FIFO）" in line and line.endswith("[CONF010]")


@pytest.mark.skipif(
    AS_ROOT and shutil.which("setpriv") is None,
    reason="as root, a permission error needs setpriv to drop the DAC capabilities",
)
def test_unreadable_for_lack_of_permission(tmp_path):
    path = tmp_path / "listingkit.toml"
    path.write_text(HEAD, encoding="utf-8")
    path.chmod(0)
    command = [sys.executable, "-m", "listingkit", "rules", "validate", str(path)]
    if AS_ROOT:  # root reads anything; without these capabilities it does not
        setpriv = str(shutil.which("setpriv"))
        drop = "-dac_override,-dac_read_search"
        command = [setpriv, f"--bounding-set={drop}", f"--inh-caps={drop}", *command]
    done = subprocess.run(command, capture_output=True, timeout=QUICK, cwd=tmp_path)
    line = only_line(Proc(done.returncode, done.stdout, done.stderr))
    assert "无法读取规则文件：没有读取权限" in line and line.endswith("[CONF010]"), line


# --- word lists -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", NOT_READABLE)
def test_a_word_list_that_is_not_a_readable_file_is_one_line(listingkit, tmp_path, kind):
    make, words = NOT_READABLE[kind]
    make(tmp_path / "words.toml")
    path = tmp_path / "listingkit.toml"
    path.write_text(HEAD + '[title]\nextend_word_lists = ["words.toml"]\n', encoding="utf-8")
    line = only_line(listingkit("rules", "validate", path, timeout=QUICK))
    assert "words.toml" in line and words in line and line.endswith("[CONF010]"), line


# --- nesting ----------------------------------------------------------------------------------

DEEP = 3000
NESTED = {
    "arrays": "a = " + "[" * DEEP + "]" * DEEP + "\n",
    "inline-tables": "a = " + "{ b = " * DEEP + "1" + " }" * DEEP + "\n",
    "table-header": "[" + ".".join(["t"] * DEEP) + "]\nx = 1\n",
    "dotted-key": ".".join(["k"] * DEEP) + " = 1\n",
    "array-of-tables": "[[" + ".".join(["t"] * DEEP) + "]]\n",
}


@pytest.mark.parametrize("kind", NESTED)
def test_a_rule_file_nested_3000_deep_is_one_clear_line(listingkit, tmp_path, kind):
    path = tmp_path / "listingkit.toml"
    path.write_text(HEAD + NESTED[kind], encoding="utf-8")
    line = only_line(listingkit("rules", "validate", path, timeout=QUICK))
    assert line.startswith(f"{path.name}:3:"), line
    assert "嵌套超过 32 层" in line and line.endswith("[CONF014]"), line


def test_a_word_list_nested_3000_deep_is_one_clear_line(listingkit, tmp_path):
    (tmp_path / "words.toml").write_text(NESTED["arrays"], encoding="utf-8")
    path = tmp_path / "listingkit.toml"
    path.write_text(HEAD + '[title]\nextend_word_lists = ["words.toml"]\n', encoding="utf-8")
    proc = listingkit("lint-titles", "--text", "x", "--rules", path, timeout=QUICK)
    line = only_line(proc)
    assert "words.toml:1:" in line and line.endswith("[CONF014]"), line


def test_nesting_within_the_limit_and_brackets_in_strings_are_fine(listingkit, tmp_path):
    path = tmp_path / "listingkit.toml"
    note = "[" * 100 + "{" * 100  # in a string and a comment: not nesting
    path.write_text(
        HEAD + f"[title]\nnote = \"{note}\"  # {note}\n[images.layout]\nmain = ['{note}']\n",
        encoding="utf-8",
    )
    proc = listingkit("rules", "validate", path, timeout=QUICK)
    assert proc.status == 0, proc.stderr


def test_a_long_extends_chain_does_not_recurse(listingkit, tmp_path):
    # Each file extends the next; the chain is followed in a loop, not by recursion.
    count = 1500
    for index in range(count):
        ref = f"r{index + 1}.toml" if index + 1 < count else "taobao"
        (tmp_path / f"r{index}.toml").write_text(f'extends = "{ref}"\n', encoding="utf-8")
    proc = listingkit("rules", "validate", tmp_path / "r0.toml", timeout=QUICK * 2)
    assert proc.status == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr


# --- values -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ('[title]\nsource = "s"\nmax_units = -5\n', "title.max_units: 取值 -5 超出范围"),
        ('[title]\nsource = "s"\nmax_units = 0\n', "title.max_units: 取值 0 超出范围"),
        ('[images.main]\nsource = "s"\nmin_side_px = true\n', "应为整数，实际是 true"),
        (
            '[images.main]\nsource = "s"\nmax_bytes = "99999999999999999999999G"\n',
            "应在 1 字节到 1 GiB 之间",
        ),
    ],
)
def test_values_from_the_issue_are_refused(listingkit, tmp_path, body, words):
    path = tmp_path / "listingkit.toml"
    path.write_text(HEAD + SOURCES + body, encoding="utf-8")
    line = only_line(listingkit("rules", "validate", path, timeout=QUICK))
    assert words in line and line.endswith("[CONF003]"), line


def test_a_file_with_fifty_thousand_problems_lists_a_hundred(listingkit, tmp_path):
    path = tmp_path / "listingkit.toml"
    path.write_text(HEAD + "".join(f"[unknown{i}]\n" for i in range(50_000)), encoding="utf-8")
    proc = listingkit("rules", "validate", path, timeout=QUICK * 2)
    proc.assert_clean_failure(2)
    assert len(proc.err_lines) == 101, len(proc.err_lines)
    assert "还有 49,900 个问题没有列出" in proc.err_lines[-1]


# --- the watermark template -------------------------------------------------------------------


def logo_png() -> bytes:
    image = Image.new("RGBA", (120, 60), (0, 0, 0, 0))
    for x in range(10, 110):
        for y in range(10, 50):
            image.putpixel((x, y), (200, 30, 30, 255 if (x // 10 + y // 10) % 2 else 120))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares ``width`` × ``height`` pixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 4096))
        + chunk(b"IEND", b"")
    )


def store_with_template(tmp_path: Path, make: Callable[[Path], object]) -> Path:
    make(tmp_path / "logo.png")
    path = tmp_path / "listingkit.toml"
    path.write_text(
        HEAD + '[images.watermark]\ntemplate = "logo.png"\nrequired_on = ["main"]\n',
        encoding="utf-8",
    )
    return path


def test_a_good_template_passes(listingkit, tmp_path):
    path = store_with_template(tmp_path, lambda p: p.write_bytes(logo_png()))
    proc = listingkit("rules", "validate", path, timeout=QUICK)
    assert proc.status == 0, proc.stderr
    assert "规则有效" in proc.stdout


TEMPLATES: dict[str, tuple[Callable[[Path], object], str, str]] = {
    "bomb": (
        lambda p: p.write_bytes(png_claiming(12_000, 12_000)),
        "12000×12000 像素，超过 [images] max_pixels",
        "CONF015",
    ),
    "huge-bomb": (
        lambda p: p.write_bytes(png_claiming(100_000, 100_000)),
        "疑似解压炸弹",
        "CONF015",
    ),
    "truncated": (
        lambda p: p.write_bytes(logo_png()[:200]),
        "无法作为图片读取",
        "CONF015",
    ),
    "text": (
        lambda p: p.write_text("这不是图片\n", encoding="utf-8"),
        "不是图片",
        "CONF015",
    ),
    "empty": (lambda p: p.write_bytes(b""), "logo.png", "CONF015"),
    "transparent": (
        lambda p: Image.new("RGBA", (50, 50), (0, 0, 0, 0)).save(p, "PNG"),
        "全透明",
        "CONF015",
    ),
    "fifo": (fifo, "是一个管道（FIFO）", "CONF010"),
    "dev-zero": (zero_link, "是一个字符设备", "CONF010"),
    "folder": (folder, "是一个文件夹", "CONF010"),
    "missing": (lambda p: None, "不存在", "CONF013"),
}


@pytest.mark.parametrize("kind", TEMPLATES)
def test_rules_validate_opens_the_watermark_template(listingkit, tmp_path, kind):
    make, words, code = TEMPLATES[kind]
    path = store_with_template(tmp_path, make)
    line = only_line(listingkit("rules", "validate", path, timeout=QUICK))
    assert line.startswith(f"{path.name}:4: images.watermark.template: "), line
    assert "logo.png" in line, line
    assert words in line and line.endswith(f"[{code}]"), line
