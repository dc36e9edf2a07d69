"""Benchmark: ``listingkit check`` on a whole shop against the separate commands it replaces.

Run from the repository root::

    python3 benchmarks/shop_check.py [--products 500] [--repeat 3] [--keep DIR]

It generates a shop of ``--products`` products (default 500, about 5,000
images: five main images, a white-background image, two detail images and the
SKU photos of each, JPEG and PNG, 800–1200 px) with ``make_shop`` of
``fixtures/make_demo_shop.py``: the demo shop's six products first (so every
check family has something to report), then generated clean ones with a few
problems. In a temporary folder, or in ``--keep DIR`` (new or empty), which is
kept. Then it times, in rounds, each item taking its turn in every round so
that a busy machine slows them alike, best of ``--repeat``:

- (a) ``listingkit check SHOP --rules SHOP/listingkit.toml --format json -o FILE
  --no-cache``: titles, images, names, SKU coverage and slots in one run;
- (b) the same work as separate commands, each in its own process, summed:
  ``listingkit lint-titles`` on a text file of the sheet's 标题 column,
  ``listingkit titles`` on a parameter sheet of the rows without a 标题 (``check``
  composes those), ``listingkit images SHOP --no-cache`` and ``listingkit names
  SHOP/*/SKU --sheet SHOP/商品.xlsx`` (the SKU folders: ``check`` checks photo
  names there, and only there, too);
- (b') the same sum with ``listingkit names SHOP --sheet SHOP/商品.xlsx`` on the
  whole shop instead, as an operator would type it: it also reads every main,
  white-background and detail image's name (SKU001 on each) and hashes each
  image for SKU030, which is work ``check`` does not do;
- (c) a plain serial Pillow loop, ``Image.open(p).load()`` over the same images,
  in this process (no start-up): what decoding every image once in full costs.

Every ``listingkit`` process starts with an empty cache folder
(``XDG_CACHE_HOME``), so no run reuses another's image reads or validated rules;
its report goes to a file in the temporary folder. The source tree is
byte-compiled first, as an installed package is. It prints each time, the
ratios check / (sum of separate) and check / (decode loop), the machine's load
(``uptime``) before and after, and the CPU count. No target is asserted: on a
machine with other work running the ratios are the figures to read, not the
seconds.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT / "fixtures" / "make_demo_shop.py"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png"}


def load_generator() -> ModuleType:
    """``fixtures/make_demo_shop.py`` as a module (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location("make_demo_shop", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def write_title_inputs(shop: Path, work: Path) -> tuple[Path, Path | None]:
    """The 标题 column as a text file, and the parameter rows (no 标题) as a CSV."""
    from openpyxl import load_workbook

    book = load_workbook(shop / "商品.xlsx", read_only=True)
    rows = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    book.close()
    header = [str(cell) for cell in rows[0]]
    records = [dict(zip(header, row, strict=False)) for row in rows[1:]]
    titles = work / "标题.txt"
    given = [str(r["标题"]) for r in records if r.get("标题")]
    titles.write_text("".join(f"{title}\n" for title in given), encoding="utf-8")
    params = [r for r in records if not r.get("标题")]
    if not params:
        return titles, None
    sheet = work / "参数表.csv"
    fields = ["货号", "产品词", "类目词", "属性词", "营销词"]
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(fields)
        for record in params:
            writer.writerow(["" if record.get(f) is None else str(record[f]) for f in fields])
    return titles, sheet


def timed(command: list[str], work: Path) -> float:
    """Wall time of ``listingkit`` with ``command`` in a fresh process, empty cache folder."""
    cache = tempfile.mkdtemp(prefix="cache-", dir=work)
    env = dict(os.environ, XDG_CACHE_HOME=cache)
    start = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "listingkit", *command, "--exit-zero", "--no-progress"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    took = time.perf_counter() - start
    shutil.rmtree(cache, ignore_errors=True)
    if run.returncode != 0:
        raise SystemExit(f"listingkit {' '.join(command)} failed ({run.returncode}):\n{run.stderr}")
    return took


def runner(command: list[str], work: Path) -> Callable[[], float]:
    return lambda: timed(command, work)


def decode_loop(images: list[Path]) -> float:
    """A plain serial Pillow loop decoding every image in full, in this process."""
    from PIL import Image

    start = time.perf_counter()
    for path in images:
        try:
            with Image.open(path) as image:
                image.load()
        except OSError:  # the demo's truncated JPEG: a reader stops there too
            pass
    return time.perf_counter() - start


def best_of(repeat: int, items: dict[str, Callable[[], float]]) -> dict[str, float]:
    """The best time of each item over ``repeat`` rounds, the items taking turns."""
    best = dict.fromkeys(items, float("inf"))
    for _ in range(repeat):
        for name, item in items.items():
            best[name] = min(best[name], item())
    return best


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "load average: " + ", ".join(f"{load:.2f}" for load in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=500, help="products in the shop")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; each item's best is kept")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated products")
    parser.add_argument(
        "--keep", type=Path, help="generate the shop here (new or empty) and keep it"
    )
    args = parser.parse_args()
    if args.keep is not None and args.keep.exists() and any(args.keep.iterdir()):
        raise SystemExit(f"--keep {args.keep}: the folder is not empty; give a new or empty one")
    generator = load_generator()
    with tempfile.TemporaryDirectory(prefix="shop-bench-") as folder:
        work = Path(folder)
        shop = args.keep.resolve() if args.keep else work / "shop"
        os.chdir(work)  # no rule file or package is picked up from where it was started
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True)
        start = time.perf_counter()
        rows = generator.make_shop(shop, products=args.products, seed=args.seed)
        images = sorted(p for p in shop.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
        print(
            f"shop: {len(rows)} products in the sheet, {len(images)} images "
            f"(generated in {time.perf_counter() - start:.1f} s)"
        )
        if args.keep:
            print(f"kept at {shop}")
        titles, params = write_title_inputs(shop, work)
        skus = sorted(str(folder) for folder in shop.glob("*/SKU") if folder.is_dir())
        rules = ["--rules", str(shop / "listingkit.toml")]
        report = str(work / "report.json")

        def out(name: str) -> list[str]:
            return ["--format", "json", "-o", str(work / f"{name}.json")]

        separate: dict[str, list[str]] = {
            "lint-titles": ["lint-titles", str(titles), *rules, *out("lint")],
            "images": ["images", str(shop), *rules, "--no-cache", *out("images")],
            "names": [
                "names",
                *skus,
                "--sheet",
                str(shop / "商品.xlsx"),
                *rules,
                *out("names"),
            ],
        }
        if params is not None:
            separate["titles"] = ["titles", str(params), *rules, *out("titles")]
        check = ["check", str(shop), *rules, "--format", "json", "-o", report, "--no-cache"]
        decode_loop(images)  # warm the page cache, as for every item after it
        before = uptime()
        items: dict[str, Callable[[], float]] = {"check": runner(check, work)}
        items.update((name, runner(command, work)) for name, command in separate.items())
        whole = ["names", str(shop), "--sheet", str(shop / "商品.xlsx"), *rules, *out("all")]
        items["names (whole shop)"] = runner(whole, work)
        items["decode loop"] = lambda: decode_loop(images)
        best = best_of(args.repeat, items)
        after = uptime()
    summed = sum(best[name] for name in separate)
    print(f"\nbest of {args.repeat}, taking turns (every listingkit run: empty cache, --no-cache)")
    print(f"  (a) listingkit check (one run):        {best['check']:7.2f} s")
    print(f"  (b) separate commands, summed:         {summed:7.2f} s")
    for name in separate:
        print(f"        listingkit {name:12}          {best[name]:7.2f} s")
    whole_sum = summed - best["names"] + best["names (whole shop)"]
    print(f"  (b') the same, names on the whole shop: {whole_sum:7.2f} s")
    print(f"        listingkit names SHOP           {best['names (whole shop)']:7.2f} s")
    print(f"  (c) serial Pillow full-decode loop:    {best['decode loop']:7.2f} s (in-process)")
    print(f"\n  check / separate commands: {best['check'] / summed:.2f}")
    print(f"  check / (b'):              {best['check'] / whole_sum:.2f}")
    print(f"  check / decode loop:       {best['check'] / best['decode loop']:.2f}")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"\nCPUs: {os.cpu_count()} ({cores} usable by this process)")
    print(f"load before: {before}")
    print(f"load after:  {after}")


if __name__ == "__main__":
    main()
