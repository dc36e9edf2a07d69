"""Whatever reads the files, the report is the same: serial, the default pool, any executor."""

from __future__ import annotations

import threading
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from listingkit import ArgumentError, check_files, check_images, load_rules
from listingkit.image import run


def build_shop(root: Path) -> Path:
    """Two products with images of every kind of read (header, background), broken and
    empty files, a title file and a note; returns the shop folder."""
    shop = root / "店铺"
    main, white, detail = shop / "商品A" / "主图", shop / "商品A" / "白底", shop / "商品B" / "详情"
    for folder in (main, white, detail):
        folder.mkdir(parents=True)
    for slot, size in enumerate([(800, 800), (700, 700), (800, 790), (1000, 1000)], start=1):
        Image.new("RGB", size, "white").save(main / f"0{slot}.jpg", "JPEG")
    Image.new("CMYK", (800, 800)).save(main / "05.jpg", "JPEG")
    (main / "06.jpg").write_text("不是图片", encoding="utf-8")
    (main / "07.jpg").write_bytes(b"")
    grey = Image.new("RGB", (800, 800), "white")
    grey.paste((200, 200, 200), (0, 700, 800, 800))  # a grey sweep along the bottom
    grey.save(white / "01.jpg", "JPEG")
    Image.new("RGB", (800, 800), "white").save(white / "02.png", "PNG")
    for number in range(1, 25):
        Image.new("RGB", (600 + 10 * number, 900), "white").save(detail / f"{number:02d}.jpg")
    Image.new("RGBA", (790, 1000), (255, 255, 255, 0)).save(detail / "25.png", "PNG")
    (shop / "商品A" / "标题.txt").write_text(
        "全网最佳纯棉短袖T恤\n夏季新款碎花雪纺连衣裙女\n", encoding="utf-8"
    )
    (shop / "商品A" / "说明.txt").write_text("最佳拍摄角度见群里\n", encoding="utf-8")
    return shop


class RecordingThreads(ThreadPoolExecutor):
    """A real thread pool that notes which threads ran the submitted batches."""

    def __init__(self, workers: int) -> None:
        super().__init__(max_workers=workers)
        self.threads: set[str] = set()
        self.batches = 0

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.batches += 1

        def noted(*a: Any, **k: Any) -> Any:
            self.threads.add(threading.current_thread().name)
            return fn(*a, **k)

        return super().submit(noted, *args, **kwargs)


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_shop(tmp_path_factory.mktemp("shop"))


def test_serial_pool_threads_and_processes_give_one_report(shop, monkeypatch):
    rules = load_rules("taobao")
    serial = check_files([shop], rules).to_dict()
    codes = {f["code"] for f in serial["findings"]}
    # Every family and every kind of read is in the run being compared.
    assert {"FILE002", "FILE003", "IMG004", "IMG006", "IMG010", "IMG030", "TITLE010"} <= codes
    assert not any(f["location"]["path"].endswith("说明.txt") for f in serial["findings"])

    with RecordingThreads(4) as threads:
        threaded = check_files([shop], rules, executor=threads).to_dict()
    assert threads.batches > 1 and "MainThread" not in threads.threads
    with ProcessPoolExecutor(2) as processes:
        given = check_files([shop], rules, executor=processes).to_dict()
    monkeypatch.setattr(run, "PARALLEL_MIN_FILES", 2)  # the default pool, on a small batch
    pooled = check_files([shop], rules).to_dict()
    assert threaded == serial
    assert given == serial
    assert pooled == serial


def test_check_images_takes_an_executor_with_the_same_report(shop):
    rules = load_rules("taobao")
    serial = check_images([shop], rules).to_dict()
    assert {"FILE003", "IMG030"} <= {f["code"] for f in serial["findings"]}
    with RecordingThreads(3) as threads:
        assert check_images([shop], rules, executor=threads).to_dict() == serial
    assert threads.batches > 1
    with ProcessPoolExecutor(2) as processes:
        assert check_images([shop], rules, executor=processes).to_dict() == serial


def test_the_executor_is_the_callers_and_stays_open(shop):
    rules = load_rules("taobao")
    seen: list[tuple[int, int]] = []
    with ThreadPoolExecutor(2) as pool:
        check_files(
            [shop / "商品A" / "主图"], rules, executor=pool, progress=lambda *p: seen.append(p)
        )
        assert pool.submit(sum, [1, 2]).result() == 3  # not shut down by the run
    # Each readable image is counted once, in order (the empty file is FILE002's).
    assert seen == [(n, 6) for n in range(1, 7)]


@pytest.mark.parametrize("wrong", [4, "threads", ThreadPoolExecutor])
def test_an_executor_that_is_not_one_is_refused(shop, wrong):
    rules = load_rules("taobao")
    for call in (check_files, check_images):
        with pytest.raises(ArgumentError, match="executor"):
            call([shop], rules, executor=wrong)
