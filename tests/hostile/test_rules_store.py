"""A ``listingkit.toml`` left by someone else must not quietly turn checks off.

The store file below turns the banned-word check off; the title has a banned
word. So exit 1 with TITLE010 means the file was rightly not used, exit 0 means
it was picked up. Other users are simulated as root by ``os.chown`` to uid 12345.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from listingkit import UsageError, find_store_file
from tests.hostile.conftest import AS_ROOT

STRANGER = 12345
TITLE = "全网最佳纯棉短袖T恤"
CHECKS_OFF = 'extends = "taobao"\nstore = "别人的店"\n[checks]\nTITLE010 = "off"\n'

needs_root = pytest.mark.skipif(not AS_ROOT, reason="only root can give a file to another user")


def lint(listingkit, cwd: Path):
    # --fail-on warning: TITLE010 is a warning (its basis is grade B); status 1 means it was found.
    argv = ("lint-titles", "--text", TITLE, "--platform", "taobao", "--fail-on", "warning")
    return listingkit(*argv, cwd=cwd, timeout=60)


def sticky_folder(tmp_path: Path) -> Path:
    """A folder like /tmp: anyone may write to it, the sticky bit set."""
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    return shared


def test_a_store_file_in_a_parent_folder_of_ones_own_is_used(listingkit, tmp_path):
    (tmp_path / "listingkit.toml").write_text(CHECKS_OFF, encoding="utf-8")
    product = tmp_path / "商品A"
    product.mkdir()
    proc = lint(listingkit, product)
    assert proc.status == 0, proc.stderr  # the checks-off file applies: the search works


def test_a_store_file_in_a_world_writable_folder_above_is_not_used(listingkit, tmp_path):
    shared = sticky_folder(tmp_path)
    (shared / "listingkit.toml").write_text(CHECKS_OFF, encoding="utf-8")
    work = shared / "work" / "商品A"
    work.mkdir(parents=True)
    proc = lint(listingkit, work)
    assert proc.status == 1, proc.stderr
    assert "TITLE010" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_a_store_file_in_a_world_writable_start_folder_is_not_used(listingkit, tmp_path):
    shared = sticky_folder(tmp_path)
    (shared / "listingkit.toml").write_text(CHECKS_OFF, encoding="utf-8")
    proc = lint(listingkit, shared)
    assert proc.status == 1, proc.stderr
    assert "TITLE010" in proc.stdout


def test_the_search_stops_at_a_world_writable_folder_and_goes_no_higher(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "listingkit.toml").write_text(CHECKS_OFF, encoding="utf-8")
    below = sticky_folder(tmp_path) / "work"
    below.mkdir()
    assert find_store_file(below) is None
    assert find_store_file(tmp_path / "elsewhere") == tmp_path / "listingkit.toml"


@needs_root
def test_a_store_file_of_another_user_is_refused_with_one_line(listingkit, tmp_path):
    store = tmp_path / "listingkit.toml"
    store.write_text(CHECKS_OFF, encoding="utf-8")
    os.chown(store, STRANGER, STRANGER)
    proc = lint(listingkit, tmp_path)
    proc.assert_clean_failure(2)
    (line,) = proc.err_lines
    assert "listingkit.toml" in line and f"uid {STRANGER}" in line, line
    assert "--rules" in line, line
    assert proc.stdout == ""


@needs_root
def test_a_store_file_of_another_user_named_with_rules_is_used(listingkit, tmp_path):
    store = tmp_path / "listingkit.toml"
    store.write_text(CHECKS_OFF, encoding="utf-8")
    os.chown(store, STRANGER, STRANGER)
    proc = listingkit("lint-titles", "--text", TITLE, "--rules", store, cwd=tmp_path)
    assert proc.status == 0, proc.stderr


@needs_root
def test_rules_platform_name_sets_aside_a_foreign_store_file(listingkit, tmp_path):
    store = tmp_path / "listingkit.toml"
    store.write_text(CHECKS_OFF, encoding="utf-8")
    os.chown(store, STRANGER, STRANGER)
    proc = listingkit(
        "lint-titles", "--text", TITLE, "--rules", "taobao", "--fail-on", "warning", cwd=tmp_path
    )
    assert proc.status == 1 and "TITLE010" in proc.stdout, proc.stderr


@needs_root
def test_a_link_owned_by_another_user_is_refused(tmp_path):
    mine = tmp_path / "mine.toml"
    mine.write_text(CHECKS_OFF, encoding="utf-8")
    link = tmp_path / "listingkit.toml"
    link.symlink_to(mine)
    os.chown(link, STRANGER, STRANGER, follow_symlinks=False)
    with pytest.raises(UsageError, match=f"uid {STRANGER}"):
        find_store_file(tmp_path)


@needs_root
def test_a_folder_of_another_user_above_is_not_climbed_into(listingkit, tmp_path):
    theirs = tmp_path / "theirs"
    theirs.mkdir(mode=0o755)
    (theirs / "listingkit.toml").write_text(CHECKS_OFF, encoding="utf-8")  # owned by root
    os.chown(theirs, STRANGER, STRANGER)
    product = theirs / "商品A"
    product.mkdir()
    proc = lint(listingkit, product)
    assert proc.status == 1 and "TITLE010" in proc.stdout, proc.stderr


@needs_root
def test_the_folder_being_checked_may_belong_to_another_user(tmp_path):
    # Checking a colleague's folder is a choice; their own store file is refused
    # loudly (above), a root-owned one in it is used.
    theirs = tmp_path / "theirs"
    theirs.mkdir(mode=0o755)
    store = theirs / "listingkit.toml"
    store.write_text(CHECKS_OFF, encoding="utf-8")
    os.chown(theirs, STRANGER, STRANGER)
    assert find_store_file(theirs) == store
