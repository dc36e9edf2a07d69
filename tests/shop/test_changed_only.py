"""``check --changed-only REF`` and the pre-commit hook, in a real git repository."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from tests.shop.conftest import photo, run_cli, workbook

ROOT = Path(__file__).resolve().parents[2]


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(shop: Path) -> Path:
    """The shop folder committed in a repository of its own."""
    _git(shop, "init", "-q", "-b", "main")
    _git(shop, "add", "-A")
    _git(shop, "commit", "-q", "-m", "shop")
    return shop


def _products(run_stdout: str) -> set[str]:
    subjects = json.loads(run_stdout)["subjects"]
    return {part for s in subjects for part in Path(s).parts if part in ("A101", "连衣裙-A102")}


def test_only_the_product_with_a_change_is_checked(repo: Path) -> None:
    photo(repo / "连衣裙-A102" / "主图" / "05.jpg", (600, 600))  # changed, not committed
    run = run_cli("check", ".", "--changed-only", "HEAD", "--format", "json", cwd=repo)
    assert run.returncode == 0, run.stderr
    assert _products(run.stdout) == {"连衣裙-A102"}
    assert {f["code"] for f in json.loads(run.stdout)["findings"]} == {"IMG006"}


def test_a_new_untracked_file_counts_as_a_change(repo: Path) -> None:
    photo(repo / "A101" / "详情" / "02.jpg", (640, 900))
    run = run_cli("check", ".", "--changed-only", "HEAD", "--format", "json", cwd=repo)
    assert _products(run.stdout) == {"A101"}


def test_a_changed_sheet_checks_the_whole_shop(repo: Path) -> None:
    workbook(
        repo / "商品.xlsx",
        [
            ["A101", "纯棉短袖T恤男夏季宽松圆领", "", "", "红色、蓝色", ""],
            ["A102", "碎花雪纺连衣裙女夏收腰显瘦", "", "", "黑色", ""],
            ["A103", "复古高腰牛仔裤女直筒", "", "", "", ""],
        ],
    )
    run = run_cli("check", ".", "--changed-only", "HEAD", "--format", "json", cwd=repo)
    assert _products(run.stdout) == {"A101", "连衣裙-A102"}
    assert [f["code"] for f in json.loads(run.stdout)["findings"]] == ["SHOP001"]


def test_nothing_changed_checks_nothing_and_says_so(repo: Path) -> None:
    run = run_cli("check", ".", "--changed-only", "HEAD", "--format", "json", cwd=repo)
    assert run.returncode == 0 and "没有改动的商品" in run.stderr
    assert json.loads(run.stdout)["findings"] == []


@pytest.mark.parametrize(
    ("ref", "said"),
    [("no-such-branch", "git rev-parse 失败"), ("--output=leak.txt", "不是 git 的提交名")],
)
def test_a_bad_ref_is_one_clear_message(repo: Path, ref: str, said: str) -> None:
    run = run_cli("check", ".", f"--changed-only={ref}", cwd=repo)
    assert run.returncode == 2 and said in run.stderr and "Traceback" not in run.stderr
    assert not (repo / "leak.txt").exists()  # never handed to git as an option


def test_outside_a_repository_it_says_so(shop: Path) -> None:
    run = run_cli("check", str(shop), "--changed-only", "HEAD", cwd=shop)
    assert run.returncode == 2 and "--changed-only" in run.stderr
    assert "Traceback" not in run.stderr


def test_the_pre_commit_hook_checks_the_staged_product(repo: Path) -> None:
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    block = hooks.split("- id: listingkit-check", 1)[1].split("\n- id:", 1)[0]
    entry = re.search(r"^\s*entry:\s*(.+)$", block, re.M)
    assert entry is not None and "pass_filenames: false" in block
    photo(repo / "A101" / "主图" / "02.jpg", (600, 600))
    _git(repo, "add", "A101/主图/02.jpg")
    # pre-commit runs the entry with the hook's args (here the shop folder), files not passed
    argv = shlex.split(entry.group(1))
    assert argv[:2] == ["listingkit", "check"]
    run = run_cli(*argv[1:], ".", "--format", "json", cwd=repo)
    assert _products(run.stdout) == {"A101"}
    assert {f["code"] for f in json.loads(run.stdout)["findings"]} == {"IMG006"}


def test_a_changed_rule_file_outside_the_shop_checks_every_product(shop: Path) -> None:
    repo = shop.parent
    (shop / "listingkit.toml").unlink()
    rules = repo / "listingkit.toml"
    rules.write_text('extends = "taobao"\n\n[naming]\nproducts = "店铺/商品.xlsx"\n', "utf-8")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "shop")
    photo(repo / "店铺" / "A101" / "详情" / "02.jpg", (640, 900))
    narrow = run_cli("check", "店铺", "--changed-only", "HEAD", "--format", "json", cwd=repo)
    assert _products(narrow.stdout) == {"A101"}
    rules.write_text(rules.read_text("utf-8") + "\n[images.detail]\nmin_width_px = 700\n", "utf-8")
    whole = run_cli("check", "店铺", "--changed-only", "HEAD", "--format", "json", cwd=repo)
    assert _products(whole.stdout) == {"A101", "连衣裙-A102"}
