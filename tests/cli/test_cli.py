"""The command line as CI and operators meet it: exit statuses, options, messages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

import listingkit
from listingkit.cli.explain import checks_document

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def product(tmp_path: Path) -> Path:
    """A product folder with one good file, one empty file and one dead link."""
    folder = tmp_path / "商品A"
    (folder / "主图").mkdir(parents=True)
    Image.new("RGB", (800, 800), "white").save(folder / "主图" / "01.jpg", "JPEG")
    (folder / "主图" / "02.jpg").write_bytes(b"")
    os.symlink(folder / "已删除.jpg", folder / "主图" / "03.jpg")
    (tmp_path / ".git").mkdir()  # keep the store-file walk inside tmp_path
    return folder


def test_exit_0_when_clean(cli, tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "说明.txt").write_text("夏季纯棉短袖T恤", encoding="utf-8")
    run = cli("check", str(tmp_path), "--platform", "taobao", "--format", "text")
    assert run.status == 0, run.err
    assert "没有发现问题" in run.out


def test_exit_1_on_errors_with_every_finding_named(cli, product):
    run = cli("check", str(product), "--platform", "taobao", "--format", "json")
    assert run.status == 1 and run.err == ""
    data = json.loads(run.out)
    assert data["platform"] == "taobao" and data["schema_version"] == 1
    found = {(f["code"], Path(f["location"]["path"]).name) for f in data["findings"]}
    assert found == {("FILE002", "02.jpg"), ("FILE001", "03.jpg")}
    assert len(data["subjects"]) == 3


def test_exit_zero_forces_0_but_never_hides_2(cli, product):
    assert cli("check", str(product), "--platform", "taobao", "--exit-zero").status == 0
    run = cli("check", str(product / "nope"), "--platform", "taobao", "--exit-zero")
    assert run.status == 2 and "路径不存在" in run.err


def test_select_and_ignore(cli, product):
    run = cli(
        "check", str(product), "--platform", "taobao", "--format", "json", "--select", "FILE002"
    )
    assert [f["code"] for f in json.loads(run.out)["findings"]] == ["FILE002"]
    run = cli(
        "check", str(product), "--platform", "taobao", "--format", "json", "--ignore", "file-empty"
    )
    assert [f["code"] for f in json.loads(run.out)["findings"]] == ["FILE001"]
    run = cli("check", str(product), "--platform", "taobao", "--ignore", "FILE")
    assert run.status == 0


def test_unknown_select_code_is_status_2(cli, product):
    run = cli("check", str(product), "--platform", "taobao", "--select", "TITEL001")
    assert run.status == 2 and "未知的检查代码或名称 “TITEL001”" in run.err


def test_fail_on_warning(cli, product, tmp_path):
    (tmp_path / "listingkit.toml").write_text(
        'extends = "taobao"\n[checks]\nFILE001 = "warning"\nFILE002 = "info"\n', encoding="utf-8"
    )
    assert cli("check", str(product)).status == 0  # store file found from the folder upward
    assert cli("check", str(product), "--fail-on", "warning").status == 1
    assert cli("check", str(product), "--fail-on", "info").status == 1
    (product / "主图" / "03.jpg").unlink()
    assert cli("check", str(product), "--fail-on", "warning").status == 0


def test_bad_rule_file_is_status_2(cli, product, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('extends = "taobao"\n[images.main]\nmax_byte = 1\n', encoding="utf-8")
    run = cli("check", str(product), "--rules", str(bad))
    assert run.status == 2 and "[CONF002]" in run.err and "Traceback" not in run.err


def test_bad_arguments_are_status_2(cli):
    run = cli("check")
    assert run.status == 2 and "参数错误" in run.err
    assert cli("frobnicate").status == 2
    assert cli("check", ".", "--format", "xml").status == 2


def test_no_platform_is_status_2(cli, tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    run = cli("check", ".")
    assert run.status == 2 and "--platform" in run.err


def test_output_file(cli, product, tmp_path):
    target = tmp_path / "out" / "report.sarif"
    target.parent.mkdir()
    run = cli("check", str(product), "--platform", "taobao", "--format", "sarif", "-o", str(target))
    assert run.status == 1 and run.out == ""
    sarif = json.loads(target.read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.sarif"]


def test_format_auto_is_github_under_actions(cli, product, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    run = cli("check", str(product), "--platform", "taobao")
    assert "::error file=" in run.out


def test_internal_error_is_one_line_unless_debug(cli, product, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("磁盘坏了")

    monkeypatch.setattr("listingkit.cli.check.check_shop", boom)
    run = cli("check", str(product), "--platform", "taobao")
    assert run.status == 2 and len(run.err_lines) == 1 and "内部错误" in run.err
    assert "Traceback" not in run.err
    run = cli("--debug", "check", str(product), "--platform", "taobao")
    assert run.status == 2 and "Traceback" in run.err


def test_version(cli):
    run = cli("--version")
    assert run.status == 0 and run.out.strip() == f"listingkit {listingkit.__version__}"


def test_rules_list_shows_seven_platforms(cli):
    run = cli("rules", "list", "--format", "json")
    assert run.status == 0
    rows = json.loads(run.out)
    assert [r["platform"] for r in rows] == [
        "1688",
        "douyin",
        "jd",
        "kuaishou",
        "pdd",
        "taobao",
        "tmall",
    ]
    assert {r["display_name"] for r in rows} >= {"淘宝", "天猫", "京东", "拼多多", "抖音电商"}
    text = cli("rules", "list").out
    assert len(text.splitlines()) == 7 and "淘宝" in text


def _line_of(key: str, *, after: str) -> int:
    lines = (ROOT / "rules" / "taobao.toml").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(after))
    return next(i for i in range(start, len(lines)) if lines[i].startswith(key)) + 1


def test_rules_show_json_has_source_and_grade_next_to_every_number(cli):
    data = json.loads(cli("rules", "show", "taobao", "--format", "json").out)
    max_bytes = data["images"]["main"]["max_bytes"]
    stable = {"value", "source", "grade", "set_in", "status"}  # fields are added, never renamed
    assert {key: max_bytes[key] for key in stable} == {
        "value": 3145728,
        "source": "publish-page-2024",
        "grade": "A",
        "set_in": f"rules/taobao.toml:{_line_of('max_bytes', after='[images.main]')}",
        "status": "set",
    }
    assert max_bytes["shown"] == "3 MB（3,145,728 字节）" and max_bytes["read_by_check"] is True
    assert data["images"]["main"]["min_side_px"]["status"] == "missing"
    for table in [data["title"], data["schedule"], *filter(None, data["images"].values())]:
        for value in table.values():
            if isinstance(value, dict) and value.get("status") == "set":
                assert value["source"] in data["sources"] and value["grade"] in "ABC"


def test_rules_show_text_says_what_is_missing(cli):
    out = cli("rules", "show", "jd").out
    assert "max_units = —（未找到公开数值）" in out
    side = "min_side_px = 800×800（宽、高都不小于 800 px）"
    assert f"{side}    ← jd-image-doc-2016（B 级） rules/jd.toml:" in out


def test_rules_show_resolves_store_file(cli):
    out = cli("rules", "show", "--rules", str(ROOT / "fixtures/store/listingkit.toml")).out
    assert "店铺：示例旗舰店" in out
    assert "max_bytes = 2 MB（2,097,152 字节）    ← store-guide（A 级） " in out


def test_explain_one_and_all(cli):
    run = cli("explain", "file-empty")
    assert run.status == 0 and run.out.startswith("## FILE002 file-empty")
    assert "### 检查什么" in run.out
    assert cli("explain", "--all").out == checks_document()
    assert cli("explain", "NOPE1").status == 2


def test_python_dash_m_and_console_script():
    run = subprocess.run(
        [sys.executable, "-m", "listingkit", "rules", "list"], capture_output=True, text=True
    )
    assert run.returncode == 0 and "taobao" in run.stdout
