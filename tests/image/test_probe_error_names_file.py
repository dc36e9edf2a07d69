"""``probe_image`` and the other image readers raise errors that name the file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image

from listingkit import ProbeError, probe_image
from listingkit.image.background import measure_background


def test_missing_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ProbeError) as raised:
        probe_image("nope.jpg")
    assert str(raised.value).startswith("nope.jpg：无法读取文件：")
    assert raised.value.kind == "unreadable"
    assert "nope.jpg" not in raised.value.reason  # a finding's location names it already


@pytest.mark.parametrize(
    ("content", "kind", "said"),
    [
        (b"", "not-image", "文件是空的（0 字节）"),
        (b"not a picture at all", "not-image", "不是图片"),
    ],
)
def test_file_that_is_not_an_image_is_named(
    tmp_path: Path, content: bytes, kind: str, said: str
) -> None:
    path = tmp_path / "主图" / "02.jpg"
    path.parent.mkdir()
    path.write_bytes(content)
    with pytest.raises(ProbeError) as raised:
        probe_image(path)
    assert str(raised.value).startswith(f"{path}：") and said in str(raised.value)
    assert raised.value.kind == kind and raised.value.reason.startswith(said[:2])


def test_truncated_file_is_named(tmp_path: Path) -> None:
    whole = tmp_path / "whole.jpg"
    Image.new("RGB", (64, 64), "red").save(whole, "JPEG")
    half = tmp_path / "half.jpg"
    half.write_bytes(whole.read_bytes()[: os.path.getsize(whole) // 2])
    with pytest.raises(ProbeError) as raised:
        probe_image(half)
    assert str(raised.value).startswith(f"{half}：") and raised.value.kind == "truncated"


def test_control_characters_in_the_name_are_escaped(tmp_path: Path) -> None:
    path = tmp_path / "a\x1b[31mb.jpg"
    path.write_bytes(b"")
    with pytest.raises(ProbeError) as raised:
        probe_image(path)
    assert "\x1b" not in str(raised.value) and "b.jpg：" in str(raised.value)


def test_background_measure_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "白底.png"
    path.write_bytes(b"")
    with pytest.raises(ProbeError, match=r"白底\.png：文件是空的"):
        measure_background(path)
