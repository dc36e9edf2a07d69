"""HTML: one self-contained page, a card per product, thumbnails inline, user data escaped."""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from listingkit.cli.common import check_docs, is_ours
from listingkit.findings import Finding, Location, Report, Severity
from listingkit.output import render
from listingkit.shop.overview import ProductCard, ProductImage, ShopOverview

HEAD = (
    '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
    '<meta name="generator" content="listingkit '
)

# Names and titles that would run code if they reached the page unescaped.
TAG_NAME = "<img src=x onerror=alert(1)>.jpg"
QUOTE_NAME = '"onmouseover="alert(2).jpg'
SEPARATOR_NAME = "a\u2028b.png"
SCRIPT_TITLE = "</script><script>window.__xss=1;alert(3)</script>连衣裙"
ATTR_TITLE = '<b onmouseover="window.__xss=2">夏季</b>\'"&'

SHOP = "店铺"
STORE = Path(__file__).resolve().parents[2] / "fixtures" / "store"
SHEET = f"{SHOP}/商品.xlsx"


# --- the shop ----------------------------------------------------------------------------------


def _jpeg(path: Path, size: tuple[int, int], color: tuple[int, int, int]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", size, color)
    # A second colour, so a screenshot and a thumbnail are not one flat colour.
    image.paste((255, 255, 255), (0, 0, size[0] // 2, size[1] // 3))
    image.save(path, "JPEG", quality=90)
    return path


def _png(path: Path, size: tuple[int, int]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGBA", size, (0, 128, 255, 255))
    image.paste((0, 0, 0, 0), (0, 0, size[0] // 2, size[1]))  # half transparent
    image.save(path, "PNG")
    return path


@dataclass
class HostileShop:
    """A real shop folder in tmp_path, its overview and a report of real findings."""

    root: Path
    overview: ShopOverview
    report: Report
    good: list[str] = field(default_factory=list)  # display paths that decode
    broken: list[str] = field(default_factory=list)  # display paths that do not


def _finding(
    path: str,
    code: str,
    name: str,
    severity: Severity,
    message: str,
    *,
    row: int | None = None,
    source: str | None = None,
) -> Finding:
    return Finding(
        Location(path, "Sheet1" if row else None, row, "标题" if row else None),
        code,
        name,
        severity,
        message,
        hint="按提示修改后重新检查",
        source=source,
    )


def hostile_shop(tmp_path: Path) -> HostileShop:
    """Three products (one without a folder), images good, corrupt, huge, a FIFO, hostile names."""
    base = tmp_path / SHOP
    main_a = base / "A001" / "主图"
    main_b = base / "B002" / "主图"
    files = {
        f"{SHOP}/A001/主图/01.jpg": _jpeg(main_a / "01.jpg", (800, 800), (200, 30, 30)),
        f"{SHOP}/A001/主图/02.png": _png(main_a / "02.png", (640, 480)),
        f"{SHOP}/A001/主图/{TAG_NAME}": _jpeg(main_a / TAG_NAME, (300, 400), (30, 160, 60)),
        f"{SHOP}/A001/主图/{QUOTE_NAME}": _jpeg(main_a / QUOTE_NAME, (400, 300), (60, 60, 200)),
        f"{SHOP}/A001/主图/{SEPARATOR_NAME}": _png(main_a / SEPARATOR_NAME, (200, 200)),
        f"{SHOP}/B002/主图/01.jpg": _jpeg(main_b / "01.jpg", (750, 1000), (240, 200, 20)),
    }
    corrupt = main_b / "02.jpg"
    corrupt.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + os.urandom(64))
    fifo = main_b / "03.jpg"
    os.mkfifo(fifo)
    huge = main_b / "04.png"
    # 56 million pixels: under Pillow's own limit, over the report's.
    Image.new("1", (7500, 7500)).save(huge, "PNG")
    broken = {
        f"{SHOP}/B002/主图/02.jpg": corrupt,
        f"{SHOP}/B002/主图/03.jpg": fifo,
        f"{SHOP}/B002/主图/04.png": huge,
    }

    def images(folder: str, paths: dict[str, Path]) -> tuple[ProductImage, ...]:
        mine = [(shown, path) for shown, path in paths.items() if shown.startswith(folder + "/")]
        return tuple(
            ProductImage(shown, path, "main", slot) for slot, (shown, path) in enumerate(mine, 1)
        )

    everything = {**files, **broken}
    overview = ShopOverview(
        root=SHOP,
        platform="淘宝",
        sheet=SHEET,
        products=(
            ProductCard(
                "A001",
                f"{SHOP}/A001",
                row=2,
                title="夏季新款碎花连衣裙",
                units=18,
                limit=60,
                images=images(f"{SHOP}/A001", everything),
                data_path=SHEET,
            ),
            ProductCard(
                "B002",
                f"{SHOP}/B002",
                row=3,
                title=SCRIPT_TITLE,
                composed=True,
                units=75,
                limit=60,
                images=images(f"{SHOP}/B002", everything),
                data_path=SHEET,
            ),
            ProductCard("C003", None, row=4, title=ATTR_TITLE, units=30, limit=60, data_path=SHEET),
        ),
    )
    graded = "淘宝发布页配置（主图组件，2024-12，A 级）"
    findings = [
        _finding(
            f"{SHOP}/A001/主图/01.jpg",
            "IMG001",
            "image-too-small",
            Severity.ERROR,
            "主图 800×800 小于下限",
            source=graded,
        ),
        _finding(
            f"{SHOP}/A001/主图/{TAG_NAME}",
            "IMG001",
            "image-too-small",
            Severity.ERROR,
            f"主图 {TAG_NAME} 太小",
            source=graded,
        ),
        _finding(
            f"{SHOP}/A001/主图/02.png",
            "IMG020",
            "background-not-white",
            Severity.WARNING,
            "背景不是纯白",
            source="社区说法（2025，C 级）",
        ),
        _finding(
            f"{SHOP}/A001/主图/{QUOTE_NAME}",
            "IMG020",
            "background-not-white",
            Severity.WARNING,
            f"背景不是纯白：{QUOTE_NAME}",
        ),
        _finding(
            f"{SHOP}/A001/主图/{SEPARATOR_NAME}",
            "SKU001",
            "sku-name-invalid",
            Severity.INFO,
            "名字里有分隔符",
        ),
        _finding(SHEET, "TITLE001", "title-too-long", Severity.ERROR, SCRIPT_TITLE, row=3),
        _finding(
            f"{SHOP}/B002/主图/02.jpg",
            "IMG001",
            "image-too-small",
            Severity.ERROR,
            "图片已损坏",
            source=graded,
        ),
        _finding(SHEET, "SHOP001", "product-folder-missing", Severity.ERROR, ATTR_TITLE, row=4),
        _finding(
            f"{SHOP}/Z999",
            "SHOP002",
            "folder-not-in-sheet",
            Severity.WARNING,
            "文件夹 Z999 不在商品表里",
        ),
    ]
    report = Report("taobao", findings, [*everything, SHEET])
    return HostileShop(base, overview, report, list(files), list(broken))


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> HostileShop:
    return hostile_shop(tmp_path_factory.mktemp("shop"))


def html_of(report: Report, shop: ShopOverview | None = None) -> str:
    stream = io.StringIO()
    render(report, "html", stream, docs=check_docs(), shop=shop)
    return stream.getvalue()


# --- a small DOM, to assert what the page holds --------------------------------------------------

_VOID = {"meta", "img", "input", "br", "hr", "link"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def walk(self) -> list[Node]:
        found = [self]
        for child in self.children:
            found.extend(child.walk())
        return found

    def find(self, tag: str | None = None, cls: str | None = None) -> list[Node]:
        return [
            node
            for node in self.walk()[1:]
            if (tag is None or node.tag == tag) and (cls is None or cls in node.classes())
        ]

    def all_text(self) -> str:
        return "".join(self.text) + "".join(child.all_text() for child in self.children)


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].text.append(data)


def parse(text: str) -> Node:
    builder = _Builder()
    builder.feed(text)
    builder.close()
    assert builder.stack == [builder.root], "unclosed elements"
    return builder.root


# --- structure -----------------------------------------------------------------------------------


def test_starts_with_the_marker_and_has_a_title(shop: HostileShop) -> None:
    text = html_of(shop.report, shop.overview)
    assert text.startswith(HEAD)
    assert re.match(re.escape(HEAD) + r'\d+\.\d+[^"]*">\n', text)
    (title,) = parse(text).find("title")
    assert title.all_text() == "listingkit 报告 · 淘宝"


def test_one_card_per_product_and_one_for_the_shop(shop: HostileShop) -> None:
    page = parse(html_of(shop.report, shop.overview))
    cards = page.find("article", "card")
    items = [card.find(cls="item")[0].all_text() for card in cards if card.find(cls="item")]
    assert items == ["A001", "B002", "C003"]
    assert cards[0].find("h2")[0].all_text() == "整店"
    shop_card = cards[0]
    assert [f.attrs["data-code"] for f in shop_card.find("li", "finding")] == ["SHOP002"]
    by_item = {card.find(cls="item")[0].all_text(): card for card in cards[1:]}
    assert sorted(f.attrs["data-code"] for f in by_item["A001"].find("li", "finding")) == [
        "IMG001",
        "IMG001",
        "IMG020",
        "IMG020",
        "SKU001",
    ]
    # A finding on the sheet's row of B002 is B002's.
    assert sorted(f.attrs["data-code"] for f in by_item["B002"].find("li", "finding")) == [
        "IMG001",
        "TITLE001",
    ]
    assert [f.attrs["data-code"] for f in by_item["C003"].find("li", "finding")] == ["SHOP001"]
    assert by_item["C003"].find(cls="missing")[0].all_text() == "没有文件夹"
    assert by_item["B002"].find(cls="composed")[0].all_text() == "按参数组出"
    assert not by_item["A001"].find(cls="composed")


def test_summary_counts_and_bars(shop: HostileShop) -> None:
    page = parse(html_of(shop.report, shop.overview))
    totals = {dd.attrs["data-total"]: dd.all_text() for dd in page.find("dd")}
    assert totals == {"products": "3", "images": "9", "error": "5", "warning": "3", "info": "1"}
    rows = page.find("table", "codes")[0].find("tbody")[0].find("tr")
    table = {
        row.attrs["data-code"]: (
            row.find("td")[1].all_text(),
            row.find("td")[2].all_text(),
            row.find(cls="bar")[0].attrs["style"],
        )
        for row in rows
    }
    assert table == {
        "IMG001": ("image-too-small", "3", "width:100.0%"),
        "IMG020": ("background-not-white", "2", "width:66.7%"),
        "SHOP001": ("product-folder-missing", "1", "width:33.3%"),
        "SHOP002": ("folder-not-in-sheet", "1", "width:33.3%"),
        "SKU001": ("sku-name-invalid", "1", "width:33.3%"),
        "TITLE001": ("title-too-long", "1", "width:33.3%"),
    }
    assert "sev-error" in rows[0].find(cls="bar")[0].classes()
    assert "sev-warning" in rows[1].find(cls="bar")[0].classes()


def test_title_length_bars(shop: HostileShop) -> None:
    page = parse(html_of(shop.report, shop.overview))
    bars = {
        bar.attrs["data-units"] + "/" + bar.attrs["data-limit"]: bar
        for bar in page.find("div", "length")
    }
    assert set(bars) == {"18/60", "75/60", "30/60"}
    assert bars["18/60"].find(cls="fill")[0].attrs["style"] == "width:30.0%"
    assert "fits" in bars["18/60"].classes()
    # Over the limit: a full bar, in red.
    assert bars["75/60"].find(cls="fill")[0].attrs["style"] == "width:100.0%"
    assert "over" in bars["75/60"].classes()
    assert bars["75/60"].find(cls="units")[0].all_text() == "75/60"


def test_thumbnails_are_small_inline_jpegs_in_slot_order(shop: HostileShop) -> None:
    text = html_of(shop.report, shop.overview)
    page = parse(text)
    strips = page.find("ul", "strip")
    assert len(strips) == 2  # C003 has no folder
    thumbs = strips[0].find("li", "thumb")
    assert [t.find(cls="slot")[0].all_text() for t in thumbs] == ["1", "2", "3", "4", "5"]
    images = page.find("img")
    assert len(images) == len(shop.good) == 6
    for image in images:
        prefix = "data:image/jpeg;base64,"
        assert image.attrs["src"].startswith(prefix)
        with Image.open(io.BytesIO(base64.b64decode(image.attrs["src"][len(prefix) :]))) as small:
            assert small.format == "JPEG"
            assert max(small.size) == 160
    # 01.jpg is 800×800; its thumbnail is far smaller than the file.
    assert len(images[0].attrs["src"]) < (shop.root / "A001" / "主图" / "01.jpg").stat().st_size


def test_thumbnails_are_made_in_a_fresh_process(shop: HostileShop) -> None:
    # Nothing else has touched the image library there: its parsers must still be found.
    script = (
        "import sys; from pathlib import Path; from listingkit.output.html import thumbnails; "
        "print([u is not None and u[:23] for u in thumbnails(map(Path, sys.argv[1:])).values()])"
    )
    files = [shop.root / "A001" / "主图" / "01.jpg", shop.root / "A001" / "主图" / "02.png"]
    run = subprocess.run(
        [sys.executable, "-c", script, *map(str, files)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.stderr == ""
    assert run.stdout.strip() == "['data:image/jpeg;base64,', 'data:image/jpeg;base64,']"


def test_unreadable_images_get_a_placeholder_with_their_name(shop: HostileShop) -> None:
    page = parse(html_of(shop.report, shop.overview))
    b002 = page.find("ul", "strip")[1]
    shown = [
        (t.find(cls="placeholder")[0].all_text() if t.find(cls="placeholder") else "img")
        for t in b002.find("li", "thumb")
    ]
    # The corrupt JPEG, the FIFO (never opened for reading) and the 56-megapixel PNG.
    assert shown == ["img", "02.jpg", "03.jpg", "04.png"]


def test_failing_thumbnails_are_outlined_with_their_findings_on_hover(shop: HostileShop) -> None:
    page = parse(html_of(shop.report, shop.overview))
    thumbs = page.find("ul", "strip")[0].find("li", "thumb")
    first, second, third, _, fifth = thumbs
    assert "fail-error" in first.classes()
    assert "IMG001 image-too-small：主图 800×800 小于下限" in first.attrs["title"]
    assert "fail-warning" in second.classes()
    assert "警告 IMG020" in second.attrs["title"]
    assert "fail-error" in third.classes()
    # An info finding does not outline.
    assert not {"fail-error", "fail-warning"} & fifth.classes()
    assert "SKU001" in fifth.attrs["title"]


def test_findings_carry_severity_code_message_hint_and_graded_source(shop: HostileShop) -> None:
    page = parse(html_of(shop.report, shop.overview))
    findings = page.find("li", "finding")
    assert len(findings) == len(shop.report.findings)
    first = next(f for f in findings if "800×800" in f.all_text())
    assert first.find(cls="sev")[0].all_text() == "错误"
    assert first.find(cls="code")[0].all_text() == "IMG001"
    assert first.find(cls="name")[0].all_text() == "image-too-small"
    assert first.find(cls="hint")[0].all_text() == "建议：按提示修改后重新检查"
    assert first.find(cls="grade")[0].all_text() == "A 级"
    assert "淘宝发布页配置" in first.find(cls="source")[0].all_text()
    labels = {f.attrs["data-severity"]: f.find(cls="sev")[0].all_text() for f in findings}
    assert labels == {"error": "错误", "warning": "警告", "info": "提示"}
    c_grade = [g.all_text() for g in page.find(cls="grade-c")]
    assert c_grade == ["C 级"]


def test_without_a_shop_findings_are_grouped_by_file(report: Report) -> None:
    page = parse(html_of(report))
    cards = page.find("article", "card")
    assert [card.find("h2")[0].all_text() for card in cards] == [
        "商品A/主图/02.jpg",
        "商品A/标题.csv",
        "商品B/坏图.jpg",
        "商品C/详情,旧/03.png",
    ]
    assert not page.find("ul", "strip")
    totals = {dd.attrs["data-total"]: dd.all_text() for dd in page.find("dd")}
    assert totals == {"subjects": "4", "error": "2", "warning": "1", "info": "1"}
    assert page.find("title")[0].all_text() == "listingkit 报告 · taobao"


def test_a_clean_report_says_so() -> None:
    page = parse(html_of(Report("taobao", [], ["a.jpg"])))
    assert page.find(cls="clean")[0].all_text() == "没有发现问题。"
    assert not page.find("table", "codes")


# --- offline and escaped -------------------------------------------------------------------------


def test_nothing_is_fetched_from_the_network(shop: HostileShop) -> None:
    text = html_of(shop.report, shop.overview)
    assert "http://" not in text
    assert "https://" not in text
    assert "//" not in re.sub(r"data:image/jpeg;base64,[A-Za-z0-9+/=]+", "", text)
    page = parse(text)
    (policy,) = [
        m for m in page.find("meta") if m.attrs.get("http-equiv") == "Content-Security-Policy"
    ]
    assert "default-src 'none'" in policy.attrs["content"]
    assert "img-src data:" in policy.attrs["content"]
    for node in page.walk():
        for name in ("src", "href", "action"):
            if name in node.attrs:
                assert node.attrs[name].startswith("data:image/jpeg;base64,"), node.attrs
    assert "eval(" not in text


def test_hostile_names_and_titles_appear_only_escaped(shop: HostileShop) -> None:
    text = html_of(shop.report, shop.overview)
    assert TAG_NAME not in text
    assert "<img src=x" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;.jpg" in text
    assert text.count("<script>") == 1
    assert text.count("</script>") == 1
    assert "&lt;/script&gt;&lt;script&gt;window.__xss=1;alert(3)&lt;/script&gt;连衣裙" in text
    assert QUOTE_NAME not in text
    assert "&quot;onmouseover=&quot;alert(2).jpg" in text
    assert "<b onmouseover" not in text
    assert "\u2028" not in text
    assert "a\\u2028b.png" in text
    page = parse(text)
    # Parsed back, the page holds the names as text: nothing became an element or attribute.
    assert {node.tag for node in page.walk()} <= {
        "#document", "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "p",
        "section", "dl", "div", "dt", "dd", "table", "thead", "tbody", "tr", "th", "td", "code",
        "span", "form", "fieldset", "legend", "label", "input", "select", "option", "output",
        "main", "article", "ul", "li", "img", "ol", "script",
    }  # fmt: skip
    for node in page.walk():
        assert not any(name.startswith("on") for name in node.attrs), node.attrs
    titles = [p.all_text() for p in page.find("p", "title")]
    assert titles == ["夏季新款碎花连衣裙", SCRIPT_TITLE, ATTR_TITLE]
    alts = [image.attrs["alt"] for image in page.find("img")]
    assert TAG_NAME in alts and QUOTE_NAME in alts
    (script,) = page.find("script")
    assert "__xss" not in script.all_text()


def test_control_characters_are_shown_as_escapes() -> None:
    report = Report(
        "taobao",
        [
            Finding(
                Location("坏\x1b[31m名.jpg"),
                "FILE001",
                "file-unreadable",
                Severity.ERROR,
                "读\x00不出",
            )
        ],
    )
    text = html_of(report)
    assert "\x1b" not in text and "\x00" not in text
    assert "坏\\x1b[31m名.jpg" in text
    assert "读\\x00不出" in text


# --- written as a file, by the command -----------------------------------------------------------


def test_a_written_report_is_recognised_as_ours(shop: HostileShop, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text(html_of(shop.report, shop.overview), encoding="utf-8")
    assert is_ours(target)
    other = tmp_path / "page.html"
    other.write_text('<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n')
    assert not is_ours(other)


def _listingkit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "listingkit", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_writes_the_html_report(tmp_path: Path) -> None:
    folder = tmp_path / "连衣裙-A001"
    _jpeg(folder / "主图" / "01.jpg", (800, 800), (200, 30, 30))
    (folder / "主图" / "02.jpg").write_bytes(b"")  # an empty file: a finding
    argv = ("check", "连衣裙-A001", "--platform", "taobao", "--format", "html", "-o", "r.html")
    run = _listingkit(*argv, cwd=tmp_path)
    assert run.returncode in (0, 1), run.stderr
    assert "Traceback" not in run.stderr
    text = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert text.startswith(HEAD)
    assert is_ours(tmp_path / "r.html")
    page = parse(text)
    codes = {f.attrs["data-code"] for f in page.find("li", "finding")}
    assert "FILE002" in codes
    # The report is ours: a second run replaces it without --force.
    again = _listingkit(*argv, cwd=tmp_path)
    assert again.returncode == run.returncode, again.stderr
    # A page that is not a listingkit report is not overwritten.
    (tmp_path / "other.html").write_text("<!DOCTYPE html><p>mine</p>", encoding="utf-8")
    refused = _listingkit(
        "check", "连衣裙-A001", "--platform", "taobao", "--format", "html", "-o", "other.html",
        cwd=tmp_path,
    )  # fmt: skip
    assert refused.returncode not in (0, 1)
    assert (tmp_path / "other.html").read_text(encoding="utf-8") == "<!DOCTYPE html><p>mine</p>"


def test_check_of_a_shop_folder_draws_its_product_cards(tmp_path: Path) -> None:
    shutil.copytree(STORE, tmp_path / "store")
    run = _listingkit(
        "check", "store", "--platform", "taobao", "--format", "html", "-o", "r.html", cwd=tmp_path
    )
    assert run.returncode in (0, 1), run.stderr
    page = parse((tmp_path / "r.html").read_text(encoding="utf-8"))
    assert [item.all_text() for item in page.find(cls="item")] == ["A001"]
    main = sorted((tmp_path / "store" / "连衣裙-A001" / "主图").iterdir())
    (strip,) = page.find("ul", "strip")
    assert [t.find("img")[0].attrs["alt"] for t in strip.find("li", "thumb")] == [
        path.name for path in main
    ]
    assert all(
        t.find("img")[0].attrs["src"].startswith("data:image/jpeg;base64,")
        for t in strip.find("li", "thumb")
    )
    summary = {dd.attrs["data-total"]: int(dd.all_text()) for dd in page.find("dd")}
    assert summary["products"] == 1
    assert summary["images"] >= len(main)
    assert sum(summary[s] for s in ("error", "warning", "info")) == len(page.find("li", "finding"))
