"""A self-contained HTML report: one file a designer opens in a browser, offline.

Inline CSS, a little inline script for the filters, thumbnails embedded as
``data:`` URIs, and a Content-Security-Policy that forbids every network
request, so the file shows the same on any machine and sends nothing anywhere.

With a shop overview (``options.shop``) there is one card per product (title
with a length bar against the platform's limit, the main images in slot order
with the failing ones outlined, then its findings) and a 整店 card for the
findings about the shop as a whole; without one, one card per file.

Everything from the user's data (file names, titles, messages, codes, sources)
is passed through :func:`~listingkit.output.safe.for_display` and then
``html.escape(quote=True)``. The script reads no user data except through
``data-*`` attributes, so nothing a file name holds can become code.
"""

from __future__ import annotations

import base64
import importlib
import io
import os
import re
import warnings
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from functools import cache
from html import escape
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, TextIO

from listingkit._version import __version__
from listingkit.errors import InputError
from listingkit.findings import Finding, Report, Severity
from listingkit.output.options import RenderOptions
from listingkit.output.safe import for_display, line
from listingkit.output.text import where
from listingkit.safeio import read_input

if TYPE_CHECKING:
    from listingkit.shop.overview import ProductCard, ProductImage, ShopOverview

__all__ = ["THUMBNAIL_SIDE", "render", "thumbnail", "thumbnails", "to_html"]

#: The long side of an embedded thumbnail, in pixels.
THUMBNAIL_SIDE = 160
_QUALITY = 70
#: Larger images get a placeholder: a thumbnail is not worth decoding a bomb.
_MAX_PIXELS = 50_000_000
_MAX_SOURCE_BYTES = 64 * 1024 * 1024
# Only the formats a listing image comes in; never a plugin that runs a program (EPS).
# The JPEG parser opens MPO files too.
_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF")

_SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.INFO)
_GRADE = re.compile(r"([ABC]) ?级[)）]?\s*$")
_SHOP_GROUP = "shop"

_CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
    "script-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
)


def _e(text: object) -> str:
    return escape(str(text), quote=True)


# --- thumbnails ------------------------------------------------------------------------------


def thumbnail(path: Path) -> str | None:
    """A small JPEG of the image at ``path`` as a ``data:`` URI, or None when it cannot be made.

    The file is read only if it is a regular file (never a FIFO or a device);
    one that is missing, unreadable, not an image, corrupt or over
    :data:`_MAX_PIXELS` gives None and the report shows a placeholder.
    """
    return thumbnails([path])[path]


def thumbnails(paths: Iterable[Path]) -> dict[Path, str | None]:
    """:func:`thumbnail` of each path, several at a time (the decoder releases the GIL)."""
    unique = list(dict.fromkeys(paths))
    workers = max(1, min(4, os.cpu_count() or 1, len(unique)))
    # The warning filters are process-wide: set once here, around every thread's reads,
    # so a malformed file's warnings (corrupt EXIF, a bomb warning) never reach stderr.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if workers == 1:
            return {path: _thumbnail(path) for path in unique}
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return dict(zip(unique, pool.map(_thumbnail, unique), strict=True))


def _thumbnail(path: Path) -> str | None:
    try:
        data = read_input(path, what="图片", limit=_MAX_SOURCE_BYTES)
    except InputError:
        return None
    from PIL import Image, ImageOps

    try:
        with Image.open(io.BytesIO(data), formats=_formats()) as opened:
            if opened.width * opened.height > _MAX_PIXELS:
                return None
            # JPEG decodes at 1/2 … 1/8 scale, never below the thumbnail's side: a
            # thumbnail never needs the full pixels (half the time of a 2× draft).
            opened.draft("RGB", (THUMBNAIL_SIDE, THUMBNAIL_SIDE))
            opened.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
            small = ImageOps.exif_transpose(opened)
        if small.mode in ("RGBA", "LA", "PA") or (
            small.mode == "P" and "transparency" in small.info
        ):
            rgba = small.convert("RGBA")
            # Transparent pixels over white, as the platforms show them.
            flat = Image.new("RGB", rgba.size, (255, 255, 255))
            flat.paste(rgba, mask=rgba.getchannel("A"))
            small = flat
        else:
            small = small.convert("RGB")
        out = io.BytesIO()
        small.save(out, "JPEG", quality=_QUALITY)
    # The image library raises anything on a malformed file (OSError, SyntaxError,
    # ValueError, DecompressionBombError, struct.error …); a thumbnail is only a picture.
    except Exception:
        return None
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode("ascii")


@cache
def _formats() -> tuple[str, ...]:
    """:data:`_FORMATS` that this Pillow opens (it registers five on first use, the rest lazily)."""
    from PIL import Image

    Image.preinit()
    for plugin in ("TiffImagePlugin", "WebPImagePlugin"):
        with suppress(ImportError):  # a Pillow built without the format
            importlib.import_module(f"PIL.{plugin}")
    return tuple(name for name in _FORMATS if name in Image.OPEN)


# --- grouping --------------------------------------------------------------------------------


@dataclass
class _Group:
    """One card: a product, the shop as a whole, or (without a shop) one file."""

    key: str
    heading: str
    card: ProductCard | None = None
    findings: list[tuple[Finding, Finding]] = field(default_factory=list)  # (raw, shown)


def _groups(raw: Report, shown: Report, shop: ShopOverview | None) -> list[_Group]:
    pairs = list(zip(raw.findings, shown.findings, strict=True))
    if shop is None:
        by_path: dict[str, _Group] = {}
        for pair in pairs:
            path = pair[0].location.path
            group = by_path.get(path)
            if group is None:
                group = by_path[path] = _Group(f"g{len(by_path)}", pair[1].location.path)
            group.findings.append(pair)
        return list(by_path.values())
    groups = [
        _Group(f"p{index}", line(card.item), card) for index, card in enumerate(shop.products)
    ]
    by_item = {card.item: group for card, group in zip(shop.products, groups, strict=True)}
    whole = _Group(_SHOP_GROUP, "整店")
    for pair in pairs:
        item = shop.product_of(pair[0].location)
        (by_item.get(item, whole) if item is not None else whole).findings.append(pair)
    return [whole, *groups] if whole.findings else groups


def _worst_first(pairs: Iterable[tuple[Finding, Finding]]) -> list[tuple[Finding, Finding]]:
    return sorted(pairs, key=lambda pair: -pair[0].severity.rank)


# --- rendering -------------------------------------------------------------------------------


def render(report: Report, stream: TextIO, options: RenderOptions) -> None:
    """Write ``report`` as one self-contained HTML page to ``stream``."""
    stream.write(to_html(report, options))


def to_html(report: Report, options: RenderOptions) -> str:
    shop = options.shop
    shown = for_display(report)
    platform = line(shop.platform) if shop is not None else shown.platform
    groups = _groups(report, shown, shop)
    parts: list[str] = [
        "<!DOCTYPE html>\n",
        '<html lang="zh-CN">\n',
        "<head>\n",
        '<meta charset="utf-8">\n',
        f'<meta name="generator" content="listingkit {_e(__version__)}">\n',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        '<meta name="referrer" content="no-referrer">\n',
        f"<title>listingkit 报告 · {_e(platform)}</title>\n",
        f"<style>{_STYLE}</style>\n",
        "</head>\n<body>\n",
        f'<header class="top"><h1>listingkit 报告 · {_e(platform)}</h1>\n',
    ]
    if shop is not None:
        sheet = f" · 商品表 {_e(line(shop.sheet))}" if shop.sheet else ""
        parts.append(f'<p class="where">店铺文件夹 {_e(line(shop.root))}{sheet}</p>\n')
    parts.append("</header>\n")
    parts.append(_summary(report, shown, shop))
    parts.append(_filters(shown, groups))
    parts.append('<main id="cards">\n')
    pictures = thumbnails(
        image.path for group in groups if group.card for image in group.card.main_images()
    )
    for group in groups:
        parts.append(_card(group, pictures))
    if not groups:
        parts.append('<p class="clean">没有发现问题。</p>\n')
    parts.append("</main>\n")
    parts.append(f"<script>{_SCRIPT}</script>\n")
    parts.append("</body>\n</html>\n")
    return "".join(parts)


def _summary(raw: Report, shown: Report, shop: ShopOverview | None) -> str:
    totals: list[tuple[str, int, str]] = []
    if shop is not None:
        totals.append(("商品", len(shop.products), "products"))
        totals.append(("图片", sum(len(card.images) for card in shop.products), "images"))
    else:
        totals.append(("检查对象", len(raw.subjects), "subjects"))
    for severity in _SEVERITIES:
        totals.append((severity.label, raw.count(severity), str(severity)))
    items = "".join(
        f'<div class="total total-{key}"><dt>{label}</dt><dd data-total="{key}">{count}</dd></div>'
        for label, count, key in totals
    )
    codes: dict[str, tuple[str, int, Severity]] = {}
    for finding in shown.findings:
        name, count, worst = codes.get(finding.code, (finding.name, 0, finding.severity))
        if finding.severity.rank > worst.rank:
            worst = finding.severity
        codes[finding.code] = (name, count + 1, worst)
    rows = []
    most = max((count for _, count, _ in codes.values()), default=1)
    for code in sorted(codes):
        name, count, worst = codes[code]
        width = f"{100 * count / most:.1f}%"
        rows.append(
            f'<tr data-code="{_e(code)}"><td><code>{_e(code)}</code></td><td>{_e(name)}</td>'
            f'<td class="num">{count}</td><td class="barcell"><span class="bar sev-{worst}" '
            f'style="width:{width}"></span></td></tr>\n'
        )
    table = (
        '<table class="codes"><thead><tr><th>代码</th><th>名称</th><th class="num">数量</th>'
        '<th class="barcell">占比</th></tr></thead>\n<tbody>\n'
        + "".join(rows)
        + "</tbody></table>\n"
        if rows
        else ""
    )
    totals_list = f'<dl class="totals">{items}</dl>\n'
    return f'<section class="summary"><h2>概览</h2>{totals_list}{table}</section>\n'


def _filters(shown: Report, groups: Sequence[_Group]) -> str:
    boxes = "".join(
        f'<label><input type="checkbox" name="severity" value="{severity}" checked> '
        f"{severity.label}</label>"
        for severity in _SEVERITIES
    )
    names = {finding.code: finding.name for finding in shown.findings}
    codes = "".join(
        f'<option value="{_e(code)}">{_e(code)} {_e(names[code])}</option>'
        for code in sorted(names)
    )
    products = "".join(
        f'<option value="{_e(group.key)}">{_e(group.heading)}</option>' for group in groups
    )
    label = "商品" if any(group.card is not None for group in groups) else "文件"
    total = len(shown.findings)
    # Hidden until the script runs: without it every finding is shown and nothing filters.
    return (
        '<form class="filters" id="filters" hidden>'
        f"<fieldset><legend>级别</legend>{boxes}</fieldset>"
        f'<label>代码 <select name="code"><option value="">全部</option>{codes}</select></label>'
        f'<label>{label} <select name="product"><option value="">全部</option>{products}'
        "</select></label>"
        f'<output name="shown" id="shown">显示 {total} / {total} 条</output>'
        "</form>\n"
    )


def _card(group: _Group, thumbnails: dict[Path, str | None]) -> str:
    card = group.card
    counts = {s: sum(1 for raw, _ in group.findings if raw.severity is s) for s in _SEVERITIES}
    worst = next((s for s in _SEVERITIES if counts[s]), None)
    classes = "card" + (f" worst-{worst}" if worst else " clean")
    tally = " ".join(
        f'<span class="tally sev-{s}">{s.label} {counts[s]}</span>'
        for s in _SEVERITIES
        if counts[s]
    )
    if card is not None:
        heading = f'<h2>货号 <span class="item">{_e(group.heading)}</span></h2>'
    elif group.key == _SHOP_GROUP:
        heading = "<h2>整店</h2>"
    else:
        heading = f'<h2 class="path">{_e(group.heading)}</h2>'
    parts = [
        f'<article class="{classes}" data-product="{_e(group.key)}">\n<header>{heading}',
        tally and f'<span class="tallies">{tally}</span>',
        "</header>\n",
    ]
    if card is not None:
        parts.append(_product(card, group, thumbnails))
    if group.findings:
        parts.append('<ol class="findings">\n')
        for raw, shown in _worst_first(group.findings):
            parts.append(_finding(raw, shown, group.key))
        parts.append("</ol>\n")
    else:
        parts.append('<p class="none">没有发现问题</p>\n')
    parts.append("</article>\n")
    return "".join(parts)


def _product(card: ProductCard, group: _Group, thumbnails: dict[Path, str | None]) -> str:
    parts = ['<div class="meta">']
    if card.folder is not None:
        parts.append(f'<span class="folder">文件夹 {_e(line(card.folder))}</span>')
    else:
        parts.append('<span class="folder missing">没有文件夹</span>')
    if card.composed:
        parts.append('<span class="badge composed">按参数组出</span>')
    parts.append("</div>\n")
    parts.append(_title(card))
    images = card.main_images()
    if images:
        on_image: dict[str, list[Finding]] = {}
        for raw, shown in group.findings:
            on_image.setdefault(raw.location.path, []).append(shown)
        parts.append('<ul class="strip">')
        for image in images:
            parts.append(_thumb(image, on_image.get(image.display, []), thumbnails))
        parts.append("</ul>\n")
    elif card.folder is not None:
        parts.append('<p class="none">没有主图</p>\n')
    return "".join(parts)


def _title(card: ProductCard) -> str:
    if card.title is None:
        return '<p class="title missing">没有标题</p>\n'
    text = f'<p class="title">{_e(line(card.title))}</p>'
    if card.units is None or card.limit is None or card.limit <= 0:
        return text + "\n"
    over = card.units > card.limit
    width = f"{min(100.0, 100 * card.units / card.limit):.1f}%"
    state = "over" if over else "fits"
    return (
        f'{text}<div class="length {state}" data-units="{card.units}" data-limit="{card.limit}">'
        f'<span class="meter"><span class="fill" style="width:{width}"></span></span>'
        f'<span class="units">{card.units}/{card.limit}</span></div>\n'
    )


def _thumb(
    image: ProductImage, findings: Sequence[Finding], thumbnails: dict[Path, str | None]
) -> str:
    uri = thumbnails.get(image.path)
    name = line(PurePosixPath(image.display).name or image.display)
    worst = max((f.severity for f in findings), key=lambda s: s.rank, default=None)
    classes = "thumb"
    if worst is Severity.ERROR:
        classes += " fail-error"
    elif worst is Severity.WARNING:
        classes += " fail-warning"
    tip = "\n".join(f"{f.severity.label} {f.code} {f.name}：{f.message}" for f in findings)
    title = _e(f"{line(image.display)}\n{tip}" if tip else line(image.display))
    slot = f'<span class="slot">{image.slot}</span>' if image.slot is not None else ""
    if uri is None:
        picture = f'<span class="placeholder">{_e(name)}</span>'
        classes += " broken"
    else:
        picture = f'<img src="{uri}" alt="{_e(name)}">'
    return f'<li class="{classes}" title="{title}">{picture}{slot}</li>'


def _finding(raw: Finding, shown: Finding, key: str) -> str:
    severity = raw.severity
    place = where(shown.location)
    location = _e(shown.location.path) + (f" · {_e(place)}" if place else "")
    parts = [
        f'<li class="finding sev-{severity}" data-severity="{severity}" '
        f'data-code="{_e(shown.code)}" data-product="{_e(key)}">',
        f'<div class="head"><span class="sev">{severity.label}</span> '
        f'<code class="code">{_e(shown.code)}</code> <span class="name">{_e(shown.name)}</span> '
        f'<span class="loc">{location}</span></div>',
        f'<p class="msg">{_e(shown.message)}</p>',
    ]
    if shown.hint:
        parts.append(f'<p class="hint">建议：{_e(shown.hint)}</p>')
    if shown.source:
        found = _GRADE.search(shown.source)
        grade = (
            f' <span class="grade grade-{found.group(1).lower()}">{found.group(1)} 级</span>'
            if found
            else ""
        )
        parts.append(f'<p class="source">依据：{_e(shown.source)}{grade}</p>')
    parts.append("</li>\n")
    return "".join(parts)


_STYLE = """
:root{--err:#c62828;--warn:#ef6c00;--info:#1565c0;--ok:#2e7d32;--line:#ddd;--muted:#666}
*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0;padding:16px 24px;font:14px/1.5 system-ui,"PingFang SC","Microsoft YaHei",
"Noto Sans CJK SC",sans-serif;color:#222;background:#f5f6f8}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:0}
.where,.folder,.loc,.none{color:var(--muted)}
.summary,.card,.filters{background:#fff;border:1px solid var(--line);border-radius:8px;
padding:12px 16px;margin:12px 0}
.totals{display:flex;flex-wrap:wrap;gap:12px;margin:8px 0}
.total{min-width:96px;padding:6px 12px;border-radius:6px;background:#f0f2f5}
.total dt{font-size:12px;color:var(--muted)}.total dd{margin:0;font-size:22px;font-weight:600}
.total-error dd{color:var(--err)}.total-warning dd{color:var(--warn)}
.total-info dd{color:var(--info)}
table.codes{border-collapse:collapse;width:100%;max-width:900px}
.codes th,.codes td{padding:3px 8px;border-bottom:1px solid #eee;text-align:left}
.codes .num{text-align:right;width:4em}.codes .barcell{width:40%}
.bar{display:block;height:12px;border-radius:3px;min-width:2px}
.bar.sev-error{background:var(--err)}.bar.sev-warning{background:var(--warn)}
.bar.sev-info{background:var(--info)}
.filters{display:flex;flex-wrap:wrap;gap:16px;align-items:center;position:sticky;top:0;z-index:1}
.filters fieldset{border:0;margin:0;padding:0;display:flex;gap:8px}
.filters legend{float:left;margin-right:6px}
.filters output{color:var(--muted)}
.card{break-inside:avoid;page-break-inside:avoid}
.card>header{display:flex;gap:12px;align-items:baseline;flex-wrap:wrap;margin-bottom:6px}
.card.worst-error{border-left:4px solid var(--err)}
.card.worst-warning{border-left:4px solid var(--warn)}
.card.worst-info{border-left:4px solid var(--info)}
.card.clean{border-left:4px solid var(--ok)}
.tally{font-size:12px;padding:1px 6px;border-radius:10px;color:#fff;margin-right:4px}
.tally.sev-error{background:var(--err)}.tally.sev-warning{background:var(--warn)}
.tally.sev-info{background:var(--info)}
.meta{display:flex;gap:12px;align-items:center;flex-wrap:wrap}
.badge{font-size:12px;padding:1px 8px;border-radius:10px;background:#e3f2fd;color:var(--info)}
.title{margin:6px 0 2px;font-size:15px;word-break:break-all}
.title.missing{color:var(--err)}
.length{display:flex;align-items:center;gap:8px;font-size:12px;color:var(--muted)}
.meter{display:inline-block;width:240px;height:8px;background:#e8e8e8;border-radius:4px;overflow:hidden}
.fill{display:block;height:100%;background:var(--ok)}
.length.over .fill{background:var(--err)}.length.over .units{color:var(--err);font-weight:600}
.strip{list-style:none;display:flex;flex-wrap:wrap;gap:8px;padding:0;margin:8px 0}
.thumb{position:relative;width:108px;height:108px;border:3px solid transparent;border-radius:6px;
background:#fafafa;display:flex;align-items:center;justify-content:center;overflow:hidden}
.thumb img{max-width:100%;max-height:100%}
.thumb.fail-error{border-color:var(--err)}.thumb.fail-warning{border-color:var(--warn)}
.thumb .slot{position:absolute;left:0;top:0;background:rgba(0,0,0,.6);color:#fff;font-size:11px;
padding:0 5px;border-bottom-right-radius:4px}
.placeholder{display:flex;align-items:center;justify-content:center;width:100%;height:100%;
background:#bdbdbd;color:#333;font-size:11px;padding:4px;text-align:center;word-break:break-all}
.findings{list-style:none;padding:0;margin:8px 0 0}
.finding{border-top:1px solid #eee;padding:6px 0}
.finding .sev{font-size:12px;padding:1px 6px;border-radius:4px;color:#fff}
.finding.sev-error .sev{background:var(--err)}.finding.sev-warning .sev{background:var(--warn)}
.finding.sev-info .sev{background:var(--info)}
.finding .name{color:var(--muted)}.finding .loc{font-size:12px;word-break:break-all}
.msg,.hint,.source{margin:2px 0;white-space:pre-wrap;word-break:break-word}
.hint{color:#37474f}.source{font-size:12px;color:var(--muted)}
.grade{font-size:11px;padding:0 5px;border-radius:3px;border:1px solid currentColor}
.grade-a{color:var(--ok)}.grade-b{color:var(--warn)}.grade-c{color:var(--err)}
@media print{
body{background:#fff;padding:0}
.filters{display:none!important}
.card,.summary{border:1px solid #999;break-inside:avoid;page-break-inside:avoid}
.thumb{-webkit-print-color-adjust:exact;print-color-adjust:exact}
.bar,.fill,.tally,.finding .sev{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"""

# No user data and no eval: the script reads only data-* attributes and form values.
_SCRIPT = """
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) { return; }
  form.hidden = false;
  var findings = Array.prototype.slice.call(document.querySelectorAll(".finding"));
  var cards = Array.prototype.slice.call(document.querySelectorAll(".card"));
  var output = document.getElementById("shown");
  function apply() {
    var wanted = {};
    var narrowed = false;
    Array.prototype.forEach.call(form.querySelectorAll("input[name=severity]"), function (box) {
      wanted[box.value] = box.checked;
      if (!box.checked) { narrowed = true; }
    });
    var code = form.elements.namedItem("code").value;
    var product = form.elements.namedItem("product").value;
    if (code) { narrowed = true; }
    var visible = 0;
    findings.forEach(function (item) {
      var show = wanted[item.getAttribute("data-severity")] === true &&
        (!code || item.getAttribute("data-code") === code) &&
        (!product || item.getAttribute("data-product") === product);
      item.hidden = !show;
      if (show) { visible += 1; }
    });
    cards.forEach(function (card) {
      var key = card.getAttribute("data-product");
      var left = card.querySelectorAll(".finding:not([hidden])").length;
      card.hidden = (product !== "" && key !== product) || (narrowed && left === 0);
    });
    output.textContent = "显示 " + visible + " / " + findings.length + " 条";
  }
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  apply();
})();
"""
