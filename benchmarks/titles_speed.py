"""Benchmark: ``listingkit titles`` on a 10,000-row parameter sheet.

Run from the repository root::

    python3 benchmarks/titles_speed.py [--rows 10000] [--segmenter jieba|rjieba]

It writes a deterministic parameter sheet (.xlsx) to a temporary folder, then
times, each in a fresh process:

- ``listingkit titles SHEET --platform taobao -o OUT.xlsx`` end to end
  (start-up, reading the sheet, composing 5 candidates per row, checking each
  candidate, writing the workbook);
- baseline 1: jieba alone, loading its dictionary and segmenting the text of
  every parameter cell of the sheet once (the input);
- baseline 2: jieba alone, loading its dictionary and segmenting every
  candidate title once (the output: the segmentation no correct composer can
  skip, since every candidate must be checked for repeated words whole).

and prints the times and the ratios (the aim, against baseline 1: at most 3×
with jieba, 2× with rjieba), and the CPU seconds each run used (user +
system, worker processes included): on a busy machine the wall times swing
with the load, the CPU seconds far less.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADERS = ["货号", "类目词", "品牌", "产品词", "属性词", "营销词", "修饰词"]
CATEGORY = ["女装", "男装", "童装", "家居", "数码配件", "户外", "母婴", "美妆", "鞋靴", "箱包"]
BRAND = ["花语", "木子", "小鹿", "北极熊", "蓝海", "星河", "", "", ""]
PRODUCT = [
    "连衣裙",
    "T恤",
    "卫衣",
    "牛仔裤",
    "阔腿裤",
    "羽绒服",
    "衬衫",
    "半身裙",
    "打底衫",
    "毛衣",
    "保温杯",
    "数据线",
    "充电宝",
    "手机壳",
    "双肩包",
    "运动鞋",
    "帆布鞋",
    "睡衣",
    "围巾",
    "帽子",
]
ATTRIBUTE = [
    "纯棉",
    "雪纺",
    "碎花",
    "收腰",
    "显瘦",
    "宽松",
    "修身",
    "加绒",
    "加厚",
    "薄款",
    "高腰",
    "直筒",
    "V领",
    "圆领",
    "连帽",
    "长袖",
    "短袖",
    "中长款",
    "百搭",
    "透气",
    "防水",
    "大容量",
    "快充",
    "不锈钢",
    "真皮",
    "针织",
    "刺绣",
    "条纹",
    "格子",
    "纯色",
]
MARKETING = ["2024新款", "爆款", "新品", "包邮", "现货", "特价", "同款", "网红", "最佳", "热卖"]
MODIFIER = [
    "夏季",
    "秋冬",
    "春秋",
    "韩版",
    "法式",
    "复古",
    "学生",
    "气质",
    "ins风",
    "百搭款",
    "潮流",
]


def make_sheet(path: Path, rows: int) -> list[str]:
    """Write the sheet; return the text of its parameter cells."""
    import openpyxl

    rng = random.Random(20261123)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("参数")
    sheet.append(HEADERS)
    cells: list[str] = []
    for index in range(rows):
        row = [
            f"A{index:05d}",
            rng.choice(CATEGORY),
            rng.choice(BRAND),
            rng.choice(PRODUCT),
            "、".join(rng.sample(ATTRIBUTE, rng.randint(3, 7))),
            "、".join(rng.sample(MARKETING, rng.randint(1, 3))),
            " ".join(rng.sample(MODIFIER, rng.randint(1, 4))),
        ]
        sheet.append(row)
        cells += row[1:]
    book.save(path)
    return cells


BASELINE = """
import sys, logging, jieba
jieba.setLogLevel(logging.WARNING)
tokenizer = jieba.Tokenizer()
tokenizer.initialize()
for line in open(sys.argv[1], encoding="utf-8"):
    list(tokenizer.tokenize(line.rstrip("\\n")))
"""


def read_titles(path: Path) -> list[str]:
    """The candidate titles in the results workbook."""
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    header = rows[0]
    columns = [i for i, name in enumerate(header) if str(name).startswith("候选标题")]
    return [str(row[i]) for row in rows[1:] for i in columns if row[i]]


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of running ``command`` (its worker processes included)."""
    start, cpu = time.perf_counter(), _cpu()
    subprocess.run(command, check=True, capture_output=True, text=True)
    return time.perf_counter() - start, _cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--segmenter", default="jieba", choices=("jieba", "rjieba"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        sheet = root / "参数表.xlsx"
        cells = make_sheet(sheet, args.rows)
        out = root / "标题.xlsx"
        command = [sys.executable, "-m", "listingkit", "titles", str(sheet), "--platform"]
        command += ["taobao", "-o", str(out), "--segmenter", args.segmenter, "--exit-zero"]
        titles_time, titles_cpu = timed(command)
        produced = read_titles(out)
        text = root / "cells.txt"
        text.write_text("\n".join(cells) + "\n", encoding="utf-8")
        inputs_time, inputs_cpu = timed([sys.executable, "-c", BASELINE, str(text)])
        text.write_text("\n".join(produced) + "\n", encoding="utf-8")
        outputs_time, outputs_cpu = timed([sys.executable, "-c", BASELINE, str(text)])
    aim = 3 if args.segmenter == "jieba" else 2
    name = f"listingkit titles ({args.segmenter}):"
    print(f"rows: {args.rows}, candidate titles: {len(produced)}")
    print(f"{name:41}{titles_time:6.2f} s  (CPU {titles_cpu:.2f} s)")
    print(
        f"baseline 1, jieba on the sheet's cells:  {inputs_time:6.2f} s  (CPU {inputs_cpu:.2f} s)"
    )
    print(
        f"baseline 2, jieba on the titles made:    {outputs_time:6.2f} s  (CPU {outputs_cpu:.2f} s)"
    )
    print(
        f"ratio to baseline 1: {titles_time / inputs_time:.2f}x, CPU {titles_cpu / inputs_cpu:.2f}x"
        f" (aim: at most {aim}x)"
    )
    print(
        f"ratio to baseline 2: {titles_time / outputs_time:.2f}x,"
        f" CPU {titles_cpu / outputs_cpu:.2f}x"
    )
    print(f"load average when done: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
