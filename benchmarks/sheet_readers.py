"""Time python-calamine against openpyxl (read_only) on a 10,000 × 15 sheet of Chinese text.

    python3 benchmarks/sheet_readers.py [--rows N] [--repeat N]

Two files hold the same deterministic data: one written by openpyxl (cells as
inline strings, the only way openpyxl writes text) and one laid out like Excel
and WPS save it (a shared-string table). Each reader is timed best-of-N from the
path to the last value; listingkit.read_sheet (calamine plus text conversion)
is timed too.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

COLUMNS = 15
SEED = 20240501
# Characters from real listings, so string lengths and repetition look like a parameter sheet.
ALPHABET = (
    "连衣裙半身裙女装男装童装夏季秋冬新款春季显瘦百搭宽松修身高腰韩版气质复古法式小个子"
    "纯棉真丝雪纺针织毛衣外套卫衣衬衫短袖长袖背心牛仔裤休闲运动鞋帆布鞋凉鞋包包斜挎双肩"
    "大码加绒加厚薄款透气防晒冰丝网红同款爆款潮流时尚简约百褶碎花格子条纹纯色白色黑色"
)

Grid = list[list[str]]


def make_grid(rows: int) -> Grid:
    rng = random.Random(SEED)
    header = [f"字段{index + 1}" for index in range(COLUMNS)]
    body = [
        ["".join(rng.choices(ALPHABET, k=rng.randint(2, 16))) for _ in range(COLUMNS)]
        for _ in range(rows)
    ]
    return [header, *body]


def write_openpyxl(path: Path, grid: Grid) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("数据")
    for row in grid:
        sheet.append(row)
    book.save(path)


def _letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def write_shared_strings(path: Path, grid: Grid) -> None:
    """A minimal workbook with a shared-string table, as Excel and WPS write it."""
    table: dict[str, int] = {}
    rows_xml = []
    for number, row in enumerate(grid, start=1):
        cells = "".join(
            f'<c r="{_letters(col)}{number}" t="s"><v>{table.setdefault(text, len(table))}</v></c>'
            for col, text in enumerate(row)
        )
        rows_xml.append(f'<row r="{number}">{cells}</row>')
    strings = "".join(f"<si><t>{escape(text)}</t></si>" for text in table)
    parts = {
        "[Content_Types].xml": (
            f'<Types xmlns="{_PKG}/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package'
            '.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml"'
            f' ContentType="{_TYPE}.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml"'
            f' ContentType="{_TYPE}.sharedStrings+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{_PKG}/relationships"><Relationship Id="rId1"'
            f' Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
            '<sheet name="数据" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{_PKG}/relationships">'
            f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{_MAIN}"><sheetData>{"".join(rows_xml)}</sheetData></worksheet>'
        ),
        "xl/sharedStrings.xml": (
            f'<sst xmlns="{_MAIN}" count="{sum(map(len, grid))}" uniqueCount="{len(table)}">'
            f"{strings}</sst>"
        ),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in parts.items():
            header = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            archive.writestr(name, header + xml)


def read_calamine(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    with CalamineWorkbook.from_path(path) as book:
        rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    return sum(len(row) for row in rows)


def read_openpyxl(path: Path) -> int:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        sheet = book.worksheets[0]
        return sum(len(row) for row in sheet.iter_rows(values_only=True))
    finally:
        book.close()


def read_listingkit(path: Path) -> int:
    from listingkit.sheets import read_sheet

    sheet = read_sheet(path)
    return (len(sheet.rows) + 1) * len(sheet.headers)


def best_of(repeat: int, reader: Callable[[Path], int], path: Path) -> tuple[float, int]:
    times, cells = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        cells = reader(path)
        times.append(time.perf_counter() - start)
    return min(times), cells


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    grid = make_grid(args.rows)
    expected = len(grid) * COLUMNS
    readers = {
        "python-calamine": read_calamine,
        "openpyxl read_only": read_openpyxl,
        "listingkit.read_sheet": read_listingkit,
    }
    with tempfile.TemporaryDirectory() as folder:
        files = {
            "openpyxl-written (inline strings)": Path(folder) / "inline.xlsx",
            "Excel-style (shared strings)": Path(folder) / "shared.xlsx",
        }
        write_openpyxl(files["openpyxl-written (inline strings)"], grid)
        write_shared_strings(files["Excel-style (shared strings)"], grid)
        print(f"{args.rows:,} rows × {COLUMNS} columns of Chinese text, best of {args.repeat}")
        for label, path in files.items():
            size = path.stat().st_size / 1_000_000
            print(f"\n{label}, {size:.1f} MB")
            timings: dict[str, float] = {}
            for name, reader in readers.items():
                seconds, cells = best_of(args.repeat, reader, path)
                assert cells == expected, (name, cells, expected)
                timings[name] = seconds
                print(f"  {name:<22} {seconds * 1000:8.1f} ms")
            ratio = timings["openpyxl read_only"] / timings["python-calamine"]
            print(f"  calamine is {ratio:.1f}× faster than openpyxl read_only")


if __name__ == "__main__":
    main()
