"""The folder walk: any depth, a stable order, links not followed, unreadable folders reported."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PIL import Image

from listingkit import check_files, load_rules
from listingkit.image.run import check_images
from listingkit.subjects import walk
from tests.hostile.conftest import AS_ROOT, Proc

Run = Callable[..., Proc]


def _image(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (800, 800), "white").save(path, "JPEG")
    return path


def _deep(root: Path, depth: int) -> Path:
    """A chain of ``depth`` folders named ``d`` under root, made without long paths."""
    fd = os.open(root, os.O_RDONLY)
    try:
        for _ in range(depth):
            os.mkdir("d", dir_fd=fd)
            inner = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
    finally:
        os.close(fd)
    return root.joinpath(*["d"] * depth)


def _remove_chain(top: Path) -> None:
    """Remove a chain made by :func:`_deep` a level at a time: shutil.rmtree, and so
    pytest's own clean-up of old temporary folders, recurse and fail at this depth."""
    import shutil

    level = top / "d"
    while level.is_dir():
        for entry in level.iterdir():
            if entry.name != "d":
                shutil.rmtree(entry)
        if (level / "d").is_dir():
            os.rename(level / "d", top / "next")
            os.rmdir(level)
            os.rename(top / "next", level)
        else:
            os.rmdir(level)


@pytest.fixture
def product(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "商品"
    folder.mkdir()
    yield folder
    _remove_chain(folder)


def test_a_folder_1500_deep_is_walked(listingkit: Run, product):
    bottom = _deep(product, 1500)
    _image(bottom / "主图" / "01.jpg")
    found = walk([product])
    assert [p for p, _ in found.files] == [bottom / "主图" / "01.jpg"] and not found.folders
    run = listingkit("images", product, "--platform", "taobao", "--format", "json", "--no-progress")
    assert run.status in (0, 1) and run.err == b"", run.stderr
    assert len(json.loads(run.out)["subjects"]) == 1
    run = listingkit("check", product, "--platform", "taobao", "--format", "json", "--no-progress")
    assert run.status in (0, 1) and run.err == b"", run.stderr


def test_the_order_is_stable_and_hidden_files_are_skipped(tmp_path):
    for name in ("b/2.jpg", "a-c/1.jpg", "a/b/1.jpg", "a/1.jpg", ".git/x.jpg", "a/.DS_Store"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    displays = [display for _, display in walk([tmp_path]).files]
    root = tmp_path.as_posix()
    assert displays == [f"{root}/{n}" for n in ("a/1.jpg", "a/b/1.jpg", "a-c/1.jpg", "b/2.jpg")]
    hidden = tmp_path / ".git" / "x.jpg"
    assert [p for p, _ in walk([hidden]).files] == [hidden]  # named directly: taken


def test_links_to_folders_are_reported_not_followed(tmp_path):
    product = tmp_path / "商品"
    _image(product / "主图" / "01.jpg")
    os.symlink(product, product / "主图" / "回到上级")  # a loop
    os.symlink("/", product / "根目录")  # the whole disk
    os.symlink(product / "主图" / "01.jpg", product / "主图" / "02.jpg")  # a file link: taken
    found = walk([product])
    assert [p.name for p, _ in found.files] == ["01.jpg", "02.jpg"]
    assert sorted(f.path.name for f in found.folders) == ["回到上级", "根目录"]
    assert all(f.linked for f in found.folders)
    report = check_images([product], load_rules("taobao"))
    links = [f for f in report.findings if f.code == "FILE004"]
    assert len(links) == 2 and {str(f.severity) for f in links} == {"warning"}


def _too_long(root: Path) -> Path:
    """A folder whose path is longer than the system allows (PATH_MAX): it cannot be listed."""
    name = "长" * 80  # 240 bytes in UTF-8
    fd = os.open(root, os.O_RDONLY)
    depth = 0
    try:
        while len(os.fsencode(root)) + depth * (len(name.encode()) + 1) < 4200:
            os.mkdir(name, dir_fd=fd)
            inner = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd, depth = inner, depth + 1
    finally:
        os.close(fd)
    return root.joinpath(*[name] * depth)


def test_a_folder_that_cannot_be_listed_is_a_finding(listingkit: Run, tmp_path):
    product = tmp_path / "商品"
    _image(product / "主图" / "01.jpg")
    _too_long(product / "主图")
    found = walk([product])
    assert len(found.folders) == 1 and not found.folders[0].linked
    assert "File name too long" in found.folders[0].reason
    for command in ("images", "check"):
        run = listingkit(
            command, product, "--platform", "taobao", "--format", "json", "--no-progress"
        )
        assert run.status == 1 and run.err == b"", run.stderr
        (finding,) = [f for f in json.loads(run.out)["findings"] if f["code"] == "FILE004"]
        assert finding["severity"] == "error" and "没有检查" in finding["message"]


@pytest.mark.skipif(AS_ROOT, reason="root reads a folder whatever its mode; see the long-path test")
def test_a_folder_without_permission_is_a_finding(tmp_path):
    product = tmp_path / "商品"
    _image(product / "主图" / "01.jpg")
    locked = product / "旧图"
    _image(locked / "01.jpg")
    locked.chmod(0)
    try:
        report = check_files([product], load_rules("taobao"))
    finally:
        locked.chmod(0o755)
    (finding,) = [f for f in report.findings if f.code == "FILE004"]
    assert "没有读取权限" in finding.message and finding.location.path.endswith("旧图")


def test_a_name_that_is_not_utf8_is_walked_and_checked(tmp_path):
    folder = tmp_path / "主图"
    folder.mkdir()
    raw = os.path.join(os.fsencode(folder), b"\xff\xfe01.jpg")
    Image.new("RGB", (800, 800), "white").save(raw, "JPEG")
    ((_, display),) = walk([folder]).files
    assert os.fsencode(display).endswith(b"\xff\xfe01.jpg")
    report = check_images([folder], load_rules("taobao"))
    assert report.subjects == [display]
    assert not [f for f in report.findings if f.code.startswith("FILE")]
