"""The engine runs check families through one protocol: every family of a folder, one report."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from PIL import Image

from listingkit import check_files, check_paths, load_rules, registry
from listingkit import codes as code_table
from listingkit.engine import active_checks, run_checks
from listingkit.family import Checked, Family, Found, Job, Load, RunOptions
from listingkit.findings import Finding, Hit, Location
from listingkit.registry import Selection
from listingkit.ruleset import Rules

ROOT = Path(__file__).resolve().parent.parent


def _product(root: Path) -> Path:
    """A product folder with images, a title file and a note that is not one."""
    (root / ".git").mkdir(exist_ok=True)  # no store rule file is looked for above
    product = root / "商品A"
    (product / "主图").mkdir(parents=True)
    Image.new("RGB", (800, 800), "white").save(product / "主图" / "01.jpg", "JPEG")
    Image.new("RGB", (700, 700), "white").save(product / "主图" / "02.jpg", "JPEG")
    (product / "商品标题.txt").write_text(
        "全网最佳纯棉短袖T恤\n\n夏季新款碎花雪纺连衣裙女\n", encoding="utf-8"
    )
    (product / "说明.txt").write_text("最佳拍摄角度，全网最低价\n", encoding="utf-8")
    return product


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "listingkit", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def test_check_reports_titles_and_images_of_a_folder_in_one_report(tmp_path):
    _product(tmp_path)
    run = _cli(
        "check",
        "商品A",
        "--platform",
        "taobao",
        "--format",
        "json",
        "--fail-on",
        "warning",
        cwd=tmp_path,
    )
    assert run.returncode == 1, run.stderr  # findings at warning or above
    assert run.stderr == ""
    report = json.loads(run.stdout)
    found = sorted(
        (f["location"]["path"], f["location"]["row"], f["code"]) for f in report["findings"]
    )
    assert found == [
        ("商品A/主图/02.jpg", None, "IMG006"),  # 700×700, under the recommended 800
        ("商品A/商品标题.txt", 1, "TITLE010"),  # 最佳
    ]
    # The note is a file like any other, not a title file: no 最佳 or 最低价 from it.
    assert "商品A/说明.txt" in report["subjects"]
    assert {"商品A/商品标题.txt:1", "商品A/商品标题.txt:3"} <= set(report["subjects"])
    assert "商品A/商品标题.txt:2" not in report["subjects"]  # a blank line is no title

    api = check_files([tmp_path / "商品A"], load_rules("taobao"))
    assert (
        sorted(
            (Path(f.location.path).relative_to(tmp_path).as_posix(), f.location.row, f.code)
            for f in api.findings
        )
        == found
    )


def test_a_title_file_that_cannot_be_read_is_one_finding_and_the_rest_is_checked(tmp_path):
    product = _product(tmp_path)
    (product / "title-old.txt").write_bytes("café crème brûlée\n".encode("latin-1"))
    os.mkfifo(product / "标题-管道.txt")  # never opened: it would block a reader
    report = check_files([product], load_rules("taobao"))
    by_file = {(Path(f.location.path).name, f.code): f for f in report.findings}
    assert set(by_file) == {
        ("02.jpg", "IMG006"),
        ("商品标题.txt", "TITLE010"),
        ("title-old.txt", "FILE001"),
        ("标题-管道.txt", "FILE001"),
    }
    assert "另存为 UTF-8" in by_file[("title-old.txt", "FILE001")].message


def test_the_output_may_not_be_a_title_file_the_run_reads(tmp_path):
    product = _product(tmp_path)
    before = (product / "商品标题.txt").read_bytes()
    run = _cli("check", "商品A", "--platform", "taobao", "-o", "商品A/商品标题.txt", "--force",
               cwd=tmp_path)  # fmt: skip
    assert run.returncode == 2 and "本次读取的文件" in run.stderr
    assert (product / "商品标题.txt").read_bytes() == before


_IMPORTS = (
    "import sys\n"
    "from listingkit.cli import main\n"
    "status = main(sys.argv[1:])\n"
    "print(status, sorted(m for m in ('jieba', 'regex', 'listingkit.title.family',\n"
    "    'listingkit.title.checks', 'listingkit.image.family') if m in sys.modules))\n"
)


def _modules_after(*argv: str, cwd: Path) -> str:
    run = subprocess.run(
        [sys.executable, "-c", _IMPORTS, *argv], capture_output=True, text=True, cwd=cwd
    )
    assert run.returncode == 0, run.stderr
    return run.stdout.strip().splitlines()[-1]


def test_a_family_is_imported_only_when_needed(tmp_path):
    product = _product(tmp_path)
    images = tmp_path / "只有图片"
    (images / "主图").mkdir(parents=True)
    Image.new("RGB", (800, 800), "white").save(images / "主图" / "01.jpg", "JPEG")
    common = ("--platform", "taobao", "--no-progress", "--exit-zero", "--format", "json")

    # Images only: the title adapter is looked at, finds no title file, loads nothing.
    assert _modules_after("check", str(images), *common, cwd=tmp_path) == (
        "0 ['listingkit.image.family', 'listingkit.title.family']"
    )
    # Only image checks selected: the title family is not even imported.
    assert _modules_after("check", str(product), "--select", "IMG", *common, cwd=tmp_path) == (
        "0 ['listingkit.image.family']"
    )
    # A title file, title checks selected: now, and only now, the title checks and regex;
    # no jieba while no title could hold a repeated word (these cannot, by their characters).
    assert _modules_after("check", str(product), *common, cwd=tmp_path) == (
        "0 ['listingkit.image.family', 'listingkit.title.checks', "
        "'listingkit.title.family', 'regex']"
    )
    (product / "商品标题.txt").write_text("纯棉短袖T恤 纯棉T恤\n", encoding="utf-8")
    assert _modules_after("check", str(product), *common, cwd=tmp_path) == (
        "0 ['jieba', 'listingkit.image.family', 'listingkit.title.checks', "
        "'listingkit.title.family', 'regex']"
    )


def test_every_adapter_is_the_family_the_code_table_says():
    for prefix, module in code_table.ADAPTERS.items():
        family = importlib.import_module(module).FAMILY
        assert isinstance(family, Family)
        assert family.prefix == prefix and prefix in code_table.FAMILIES
        assert family.kinds == code_table.ADAPTER_KINDS[prefix]


def test_the_demo_keeps_its_findings_through_the_families():
    store = ROOT / "fixtures" / "store"
    report = check_files([store / "连衣裙-A001"], load_rules(store / "listingkit.toml"))
    assert sorted((Path(f.location.path).parent.name, f.code) for f in report.findings) == [
        ("SKU", "SKU001"),  # SKU/IMG_4711.JPG: not named by the store's rule
        # the product sheet gives no title but a 品名: the shop check composes one (info)
        ("store", "SHOP005"),
        ("主图", "IMG002"), ("主图", "IMG006"), ("主图", "IMG006"), ("主图", "IMG010"),
        ("白底", "IMG030"), ("白底", "IMG031"), ("详情", "IMG005"),
        ("连衣裙-A001", "SKU003"),  # the SKU folder itself: 黑色 has no photo
    ]  # fmt: skip


# -- a family the engine has never heard of ------------------------------------------


def read_sku_photo(path: Path) -> tuple[int, tuple[int, int]]:
    """The throwaway family's reader: runs in a worker process, so it is top-level."""
    with Image.open(path) as image:
        return os.getpid(), image.size


class SkuPipeline:
    def __init__(self, rules: Rules, selection: Selection, options: RunOptions) -> None:
        self.rules = rules
        self.reader = read_sku_photo
        self.checks = active_checks("throwaway_photo", rules, selection)
        self.readers: set[int] = set()

    def take(self, found: Found) -> list[Job]:
        return [
            Job(f.path, f.display, f.path)
            for f in found.usable()
            if Path(f.display).parent.name == "SKU" and f.display.endswith(".jpg")
        ]

    def load(self, jobs: Sequence[Job]) -> Load:
        return Load()

    def check(self, job: Job, read: Any) -> Checked:
        pid, _size = read
        self.readers.add(pid)
        subject = Path(job.display).stem
        return Checked([job.display], run_checks(self.checks, subject, Location(job.display),
                                                 self.rules))  # fmt: skip

    def finish(self) -> list[Finding]:
        return []


PIPELINES: list[SkuPipeline] = []


def _start(rules: Rules, selection: Selection, options: RunOptions) -> SkuPipeline:
    PIPELINES.append(SkuPipeline(rules, selection, options))
    return PIPELINES[-1]


# Its own kind of subject, so the real SKU checks (which read sku_photo) are not handed a str.
FAMILY = Family("SKU", frozenset({"throwaway_photo"}), _start)


def sku_name_not_ascii(subject: str, rules: Rules) -> Iterator[Hit]:
    """SKU 图名没有写颜色。

    ## 检查什么
    名字。

    ## 为什么
    测试。

    ## 示例
    Okay: SKU/红色.jpg
    SKU099: SKU/IMG_0001.jpg
    """
    if subject.isascii():
        yield Hit("SKU 图名没有写颜色或规格", hint="改为颜色名，如“红色.jpg”")


def test_a_new_family_is_an_adapter_and_a_line_in_the_code_table(tmp_path, monkeypatch):
    """No change to the engine: a code, its check, and an adapter module named in codes."""
    monkeypatch.setitem(code_table.CODES, "SKU099", "throwaway-sku-name")
    monkeypatch.setitem(code_table.FAMILY_SUBJECTS, "SKU", frozenset({"throwaway_photo"}))
    monkeypatch.setitem(code_table.FAMILIES, "SKU", __name__)
    monkeypatch.setitem(code_table.ADAPTERS, "SKU", __name__)
    monkeypatch.setitem(code_table.ADAPTER_KINDS, "SKU", FAMILY.kinds)
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    registry.check("SKU099", "throwaway-sku-name", subject="throwaway_photo")(sku_name_not_ascii)
    product = _product(tmp_path)
    (product / "SKU").mkdir()
    for name in ("红色", "IMG_0001", "IMG_0002"):
        Image.new("RGB", (800, 800), "white").save(product / "SKU" / f"{name}.jpg", "JPEG")
    rules = load_rules("taobao")

    PIPELINES.clear()
    with ProcessPoolExecutor(2) as processes:
        report = check_files([product], rules, executor=processes)
    found = sorted((Path(f.location.path).name, f.code) for f in report.findings)
    assert found == [
        ("02.jpg", "IMG006"),
        ("IMG_0001.jpg", "SKU099"),
        ("IMG_0002.jpg", "SKU099"),
        ("商品标题.txt", "TITLE010"),
    ]
    (pipeline,) = PIPELINES
    assert pipeline.readers and os.getpid() not in pipeline.readers  # read in the workers

    # --select picks the family by its code, like any other; handed in directly, too.
    only = check_files([product], rules, select="SKU")
    assert {f.code for f in only.findings} == {"SKU099"}
    direct = check_paths([product], rules, select="SKU099", families=[FAMILY])
    assert direct.findings == only.findings
    assert check_paths([product], rules, select="IMG", families=[FAMILY]).findings == []
