"""Run every data case under tests/cases against the real checks.

A case gives ``files`` (made in a temporary folder and checked with
``check_files``), ``images`` (real image files, checked with ``check_images``),
a ``title`` (checked with ``lint_title``), a ``sheet`` (rows written to a CSV
parameter sheet and composed; with ``merge`` an .xlsx with those ranges merged; with
``keywords`` a keyword sheet read beside it), ``competitors`` (a competitor sheet read
for slots) or ``slot_products`` (a product sheet, with ``slot_filler`` plain rows
appended, planned with ``per_slot``) or ``shop`` (files made in the folder of the rule
file and its product sheet, checked as a shop folder); ``platform``
picks the shipped rules (default taobao), ``title_rules`` adds keys to the
``[title]`` table, ``naming`` to ``[naming]`` (``products``: rows of a product sheet
written beside the rules) and ``checks`` to ``[checks]`` of a store file over it.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

import pytest

from listingkit import check_files, load_rules
from listingkit.title.lint import lint_title
from tests.checks.cases import Case, load_cases

ROOT = Path(__file__).resolve().parent.parent.parent


def _toml_value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def store_file(folder: Path, data: dict[str, Any]) -> Path:
    """A store rule file over the case's platform with the case's overrides."""
    lines = [f'extends = "{data.get("platform", "taobao")}"']
    lines += ["[sources.case]", 'title = "测试用例设定"', 'grade = "A"']
    title_rules = data.get("title_rules", {})
    if title_rules:
        lines += ["[title]", 'source = "case"']
        lines += [f"{k} = {_toml_value(v)}" for k, v in title_rules.items()]
    if "watermark" in data:  # a store watermark: the logo file is made beside the rules
        make_logo(folder / "logo.png")
        lines += ["[images.watermark]", 'template = "logo.png"']
        lines += [f"{k} = {_toml_value(v)}" for k, v in data["watermark"].items()]
    for role, settings in data.get("image_rules", {}).items():
        lines += [f"[images.{role}]", *(f"{k} = {_toml_value(v)}" for k, v in settings.items())]
    naming = dict(data.get("naming", {}))
    if "products" in data:  # a product sheet (rows) beside the rules, named in [naming]
        with (folder / "商品表.csv").open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(data["products"])
        naming["products"] = "商品表.csv"
    if naming:
        lines += ["[naming]", *(f"{k} = {_toml_value(v)}" for k, v in naming.items())]
    lines += ["[checks]", *(f'{k} = "{v}"' for k, v in data.get("checks", {}).items())]
    path = folder / "listingkit.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _make_files(root: Path, specs: list[dict[str, str]]) -> None:
    for spec in specs:
        path = root / spec["name"]
        path.parent.mkdir(parents=True, exist_ok=True)
        if "link_to" in spec:
            os.symlink(root / spec["link_to"], path)
        else:
            path.write_text(spec.get("content", ""), encoding="utf-8")


def make_logo(path: Path) -> None:
    """A store logo: a red ring and a bar on transparency."""
    from PIL import Image, ImageDraw

    logo = Image.new("RGBA", (120, 60), (0, 0, 0, 0))
    draw = ImageDraw.Draw(logo)
    draw.ellipse((2, 2, 56, 56), outline=(200, 20, 20, 255), width=8)
    draw.rectangle((64, 20, 116, 40), fill=(200, 20, 20, 255))
    logo.save(path)


def make_image(root: Path, spec: dict[str, Any]) -> None:
    """A real image file as a case describes it (see tests/cases/image/README.md)."""
    from PIL import Image, ImageCms
    from PIL.PngImagePlugin import PngInfo

    path = root / spec["name"]
    path.parent.mkdir(parents=True, exist_ok=True)
    if "content" in spec:
        path.write_bytes(spec["content"].encode("utf-8"))
        return
    width, height = spec.get("size", [800, 800])
    mode = spec.get("mode", "RGB")
    fmt = spec.get("format") or {".png": "PNG", ".gif": "GIF", ".webp": "WEBP"}.get(
        path.suffix.lower(), "JPEG"
    )
    color = spec.get("color", "white")
    image = Image.new(mode, (width, height), tuple(color) if isinstance(color, list) else color)
    if "product" in spec:  # a product box, as [left, top, right, bottom]
        from PIL import ImageDraw

        ImageDraw.Draw(image).rectangle(spec["product"], fill=spec.get("product_color", "navy"))
    options: dict[str, Any] = {}
    if "watermark_at" in spec:  # paste the store logo (see make_logo) at [x, y], 20% wide
        logo_path = root.parent / "logo.png"
        make_logo(logo_path)
        logo = Image.open(logo_path)
        logo = logo.resize((width // 5, width // 10))
        image.paste(logo, tuple(spec["watermark_at"]), logo)
    if "orientation" in spec:
        exif = image.getexif()
        exif[0x0112] = spec["orientation"]
        options["exif"] = exif.tobytes()
    if "icc" in spec:
        profile = ImageCms.createProfile(spec["icc"])
        options["icc_profile"] = ImageCms.ImageCmsProfile(profile).tobytes()
    if spec.get("transparency"):
        options["transparency"] = 0
    if spec.get("frames", 1) > 1:
        colors = ["red", "green", "blue", "black", "white"]
        frames = [Image.new("RGB", (width, height), colors[i % 5]) for i in range(spec["frames"])]
        frames[0].save(path, "GIF", save_all=True, append_images=frames[1:])
        return
    if "bytes" in spec:  # exact file size: pad a PNG with a text chunk
        image.save(path, "PNG")
        pad = spec["bytes"] - path.stat().st_size - 12 - len("Comment\0")
        info = PngInfo()
        info.add_text("Comment", "x" * pad)
        image.save(path, "PNG", pnginfo=info)
        assert path.stat().st_size == spec["bytes"], "could not pad to the exact size"
        return
    image.save(path, fmt, **options)
    if spec.get("truncate"):
        data = path.read_bytes()
        path.write_bytes(data[: -spec["truncate"]])


def write_workbook(path: Path, rows: list[list[str]], merged: list[str]) -> Path:
    """An .xlsx of ``rows`` (empty strings left blank) with the ranges ``merged``."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            if value:
                sheet.cell(row=number, column=column, value=value)
    for cells in merged:
        sheet.merge_cells(cells)
    book.save(path)
    return path


def _codes(case: Case, tmp_path: Path) -> list[tuple[str, str]]:
    if "shop" in case.data:  # made first: the rule file may name a file among them
        _make_files(tmp_path, case.data["shop"])
    rules = load_rules(store_file(tmp_path, case.data))
    if "images" in case.data:
        from listingkit.image.run import check_images

        product = tmp_path / "商品"
        product.mkdir()
        for spec in case.data["images"]:
            make_image(product, spec)
        findings = check_images([product], rules, role=case.data.get("role")).findings
    elif "sheet" in case.data:
        import csv

        from listingkit.sheets import read_sheet
        from listingkit.title.sheet import compose_sheet

        path = tmp_path / "参数表.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(case.data["sheet"])
        if "merge" in case.data:  # merged ranges need a workbook: the same rows as .xlsx
            path = write_workbook(tmp_path / "参数表.xlsx", case.data["sheet"], case.data["merge"])
        findings = compose_sheet(read_sheet(path), rules).report.findings
        if "keywords" in case.data:
            from listingkit.sheets import read_keywords
            from listingkit.sheets.checks import sheet_findings

            words = tmp_path / "关键词.csv"
            with words.open("w", encoding="utf-8", newline="") as handle:
                csv.writer(handle).writerows(case.data["keywords"])
            findings += sheet_findings(read_keywords(words), rules)
    elif "competitors" in case.data or "slot_products" in case.data:
        import csv
        from datetime import date

        from listingkit.slots.checks import slot_findings
        from listingkit.slots.plan import plan_slots
        from listingkit.slots.profile import read_competitors, read_slot_products

        def written(name: str, rows: list[list[Any]]) -> Path:
            with (tmp_path / name).open("w", encoding="utf-8", newline="") as handle:
                csv.writer(handle).writerows(rows)
            return tmp_path / name

        findings = []
        if "competitors" in case.data:
            _, skipped = read_competitors(written("竞品.csv", case.data["competitors"]))
            findings += slot_findings(skipped, rules)
        if "slot_products" in case.data:  # planned for the week of Monday 2026-11-02
            filler = [
                [f"F{i:03d}"] + [""] * (len(case.data["slot_products"][0]) - 1)
                for i in range(case.data.get("slot_filler", 0))
            ]
            sheet = written("商品.csv", [*case.data["slot_products"], *filler])
            products, skipped = read_slot_products(sheet)
            findings += slot_findings(skipped, rules)
            plan = plan_slots(
                products, rules, start=date(2026, 11, 2), per_slot=case.data.get("per_slot", 1)
            )
            findings += slot_findings(plan, rules, display=str(sheet))
    elif "shop" in case.data:  # a shop folder: the rule file, its sheet and those files
        findings = check_files([tmp_path], rules).findings
    elif "title" in case.data:
        findings = lint_title(case.data["title"], rules, products=case.data.get("products", ()))
    else:
        product = tmp_path / "商品"
        product.mkdir()
        _make_files(product, case.data.get("files", []))
        findings = check_files([product], rules).findings
    return [(f.code, str(f.severity)) for f in findings]


@pytest.mark.parametrize("case", load_cases(), ids=lambda c: c.id)
def test_case(case: Case, tmp_path: Path) -> None:
    found = _codes(case, tmp_path)
    family = case.code.rstrip("0123456789")
    got = [code for code, _ in found if code.startswith(family)]
    if ("title" in case.data or "images" in case.data) and not case.data.get("all_codes"):
        # a title case speaks of its own code only, unless it says otherwise
        got = [code for code in got if code == case.code]
    assert got == case.expect, (
        f"{case.file.relative_to(ROOT)}:{case.line} ({case.data.get('name')}) expects"
        f" {case.expect}, the checks found {got} (all findings: {found}); fix the check in"
        f" {module_of(case.code)} or the case"
    )
    if "severity" in case.data:
        severities = {sev for code, sev in found if code == case.code}
        assert severities == {case.data["severity"]}, (
            f"{case.id} expects {case.code} at {case.data['severity']}, got {severities}: check"
            " the evidence grade of the rule key it cites and the case's [checks]"
        )


def module_of(code: str) -> str:
    """The source file of a code's family, as messages name it."""
    from listingkit.codes import FAMILIES, family_of

    return "src/" + FAMILIES[family_of(code)].replace(".", "/") + ".py"
