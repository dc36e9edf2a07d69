"""One decoder: each image opened once for every check, decoded once at the size they need,
checks saying what they read, and a bug in a measure never reported as a broken file."""

from __future__ import annotations

import ast
import builtins
import io
import struct
import threading
import warnings
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import PIL.Image
import pytest
from PIL import Image, ImageDraw

from listingkit import load_rules
from listingkit.errors import ProbeError
from listingkit.image import decode, run
from listingkit.image.background import measure_background, measure_reduced
from listingkit.image.decode import ImageFile, Wanted, open_image
from listingkit.image.probe import probe_image
from listingkit.image.watermark import WORK_WIDTH, Watermark
from listingkit.registry import all_checks

IMAGE_MODULES = Path(decode.__file__).parent


def _logo(path: Path) -> Path:
    logo = Image.new("RGBA", (200, 80), (0, 0, 0, 0))
    draw = ImageDraw.Draw(logo)
    draw.rounded_rectangle((3, 3, 196, 76), radius=12, outline=(214, 40, 40, 255), width=5)
    draw.ellipse((14, 14, 62, 62), fill=(214, 40, 40, 255))
    draw.rectangle((80, 24, 180, 56), fill=(35, 35, 35, 255))
    logo.save(path)
    return path


def _store(root: Path, watermark: str) -> Path:
    _logo(root / "logo.png")
    rules = root / "listingkit.toml"
    rules.write_text(
        f'extends = "taobao"\n[images.watermark]\ntemplate = "logo.png"\n{watermark}\n',
        encoding="utf-8",
    )
    return rules


def _grey_sweep(path: Path, logo: Path | None = None, size: tuple[int, int] = (1000, 800)) -> Path:
    """A product on a light grey sweep (#F0F0F0: not white), with the logo pasted when given."""
    image = Image.new("RGB", size, (240, 240, 240))
    ImageDraw.Draw(image).rectangle((300, 200, 700, 600), fill=(30, 90, 160))
    if logo is not None:
        mark = Image.open(logo).convert("RGBA")
        image.paste(mark, (size[0] - 260, size[1] - 120), mark)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=92)
    return path


class _Opens:
    """Every open of a file, by path: the built-in open, and Pillow's Image.open."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.seen: list[tuple[str, Path]] = []
        real_open, real_image_open = builtins.open, PIL.Image.open

        def counted_open(file: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(file, (str, Path)):
                self.seen.append(("open", Path(file)))
            return real_open(file, *args, **kwargs)

        def counted_image_open(fp: Any, *args: Any, **kwargs: Any) -> Any:
            self.seen.append(("Image.open", Path(str(getattr(fp, "name", fp)))))
            return real_image_open(fp, *args, **kwargs)

        monkeypatch.setattr(builtins, "open", counted_open)
        monkeypatch.setattr(PIL.Image, "open", counted_image_open)

    def of(self, path: Path) -> list[str]:
        return sorted(kind for kind, seen in self.seen if seen == path)


def test_every_pixel_check_reads_each_image_from_one_open_and_one_open_of_pillow(
    tmp_path, monkeypatch
):
    rules = load_rules(_store(tmp_path, 'required_on = ["white_background"]'))
    images = [
        _grey_sweep(tmp_path / "商品" / "白底" / "01.jpg"),
        _grey_sweep(tmp_path / "商品" / "白底" / "02.jpg", logo=tmp_path / "logo.png"),
    ]
    run._prepared_watermark.cache_clear()
    run._watermark(str(tmp_path / "logo.png"))  # the template is read before the batch
    opens = _Opens(monkeypatch)
    decodes: list[Wanted] = []
    real_pixels = ImageFile.pixels

    def counted_pixels(self: ImageFile, wanted: Wanted) -> Any:
        decodes.append(wanted)
        return real_pixels(self, wanted)

    monkeypatch.setattr(ImageFile, "pixels", counted_pixels)
    report = run.check_images([tmp_path / "商品"], rules, select=["IMG030", "IMG040"], timeout=60)
    found = sorted((Path(f.location.path).name, f.code) for f in report.findings)
    # Both checks ran on the pixels: the grey sweep everywhere, the logo on the second only.
    assert found == [("01.jpg", "IMG030"), ("01.jpg", "IMG040"), ("02.jpg", "IMG030")]
    # Each file: one open() of the path, one Image.open() of that handle, one decode for both.
    assert [opens.of(path) for path in images] == [["Image.open", "open"]] * 2
    assert decodes == [Wanted(reduced=160, working=WORK_WIDTH)] * 2


@pytest.mark.parametrize(
    ("select", "wanted"),
    [
        ("IMG001,IMG004,IMG010", None),
        ("IMG031", Wanted(reduced=160)),
        ("IMG041", Wanted(working=WORK_WIDTH)),
        ("IMG", Wanted(reduced=160, working=WORK_WIDTH)),
    ],
)
def test_what_is_decoded_follows_what_the_selected_checks_read(
    tmp_path, monkeypatch, select, wanted
):
    rules = load_rules(_store(tmp_path, 'forbidden_on = ["white_background"]'))
    _grey_sweep(tmp_path / "白底" / "01.jpg")
    decodes: list[Wanted] = []
    real_pixels = ImageFile.pixels

    def counted_pixels(self: ImageFile, asked: Wanted) -> Any:
        decodes.append(asked)
        return real_pixels(self, asked)

    monkeypatch.setattr(ImageFile, "pixels", counted_pixels)
    run.check_images([tmp_path / "白底"], rules, select=[select], timeout=60)
    assert decodes == ([] if wanted is None else [wanted])


def test_the_image_checks_that_need_pixels_say_so_and_the_others_read_nothing_more():
    reads = {spec.code: spec.reads for spec in all_checks() if spec.family == "IMG"}
    assert {code for code, needs in reads.items() if needs} == {
        "IMG030",
        "IMG031",
        "IMG040",
        "IMG041",
    }
    assert reads["IMG030"] == reads["IMG031"] == {"background"}
    assert reads["IMG040"] == reads["IMG041"] == {"watermark"}


def test_the_image_pipeline_names_no_check_code():
    for module in ("run.py", "decode.py", "probe.py", "background.py", "watermark.py"):
        text = (IMAGE_MODULES / module).read_text(encoding="utf-8")
        assert '"IMG0' not in text and "'IMG0" not in text, module


def test_only_the_decoder_catches_what_a_library_raises():
    """A handler for Exception (or anything as broad) appears in decode.py and nowhere else."""
    broad = {"Exception", "BaseException"}
    for path in sorted(IMAGE_MODULES.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ExceptHandler):
                continue
            caught = node.type
            names = caught.elts if isinstance(caught, ast.Tuple) else [caught]
            wide = caught is None or any(
                isinstance(name, ast.Name) and name.id in broad for name in names
            )
            assert not wide or path.name == "decode.py", f"{path.name}:{node.lineno}"


# -- a bug is a bug, not a broken file ------------------------------------------------


def test_a_bug_in_the_watermark_search_propagates_as_itself(tmp_path, monkeypatch):
    rules = load_rules(_store(tmp_path, 'required_on = ["main"]'))
    image = _grey_sweep(tmp_path / "商品" / "主图" / "01.jpg")
    watermark = Watermark.load(tmp_path / "logo.png")

    def broken_search(self: Watermark, grey: Any) -> Any:
        raise ZeroDivisionError("a bug in the search")

    monkeypatch.setattr(Watermark, "_search", broken_search)
    with pytest.raises(ZeroDivisionError):
        watermark.find(image)
    run._prepared_watermark.cache_clear()
    with pytest.raises(ZeroDivisionError):  # not a FILE003 finding about the image
        run.check_images([tmp_path / "商品"], rules, select=["IMG040"], timeout=60)
    run._prepared_watermark.cache_clear()


def test_a_bug_in_the_background_measure_propagates_as_itself(tmp_path, monkeypatch):
    image = _grey_sweep(tmp_path / "白底" / "01.jpg")

    def broken(*args: Any) -> Any:
        raise IndexError("a bug in the measure")

    monkeypatch.setattr("listingkit.image.background._measure", broken)
    with pytest.raises(IndexError):
        measure_background(image)
    with pytest.raises(IndexError):
        run.check_images([image.parent], load_rules("taobao"), select=["IMG030"], timeout=60)


def test_an_unreadable_image_is_still_a_probe_error_to_the_search(tmp_path):
    watermark = Watermark.load(_logo(tmp_path / "logo.png"))
    broken = tmp_path / "01.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    with pytest.raises(ProbeError):
        watermark.find(broken)


# -- one decode, several copies -------------------------------------------------------


def test_the_copies_from_one_decode_agree_with_each_measure_alone(tmp_path):
    logo = _logo(tmp_path / "logo.png")
    path = _grey_sweep(tmp_path / "01.jpg", logo=logo, size=(1600, 1200))
    watermark = Watermark.load(logo)
    with open_image(path) as file:
        both = file.pixels(Wanted(reduced=160, working=WORK_WIDTH))
    assert both.shown == (1600, 1200)
    assert both.working is not None and both.working.shape == (600, 800)
    assert both.reduced is not None and 160 <= min(both.reduced.shape[:2]) < 320
    shared = measure_reduced(both.reduced, both.shown)
    alone = measure_background(path)
    for one, other in zip(shared.edges, alone.edges, strict=True):
        assert one.off_white == pytest.approx(other.off_white, abs=0.02)
    assert shared.bbox is not None and alone.bbox is not None
    assert all(abs(a - b) <= 12 for a, b in zip(shared.bbox, alone.bbox, strict=True))
    found, searched = watermark.find_in(both), watermark.find(path)
    assert found is not None and searched is not None
    assert all(abs(a - b) <= 4 for a, b in zip(found.box, searched.box, strict=True))


def test_a_file_is_decoded_once(tmp_path):
    path = _grey_sweep(tmp_path / "01.jpg")
    with open_image(path) as file:
        file.pixels(Wanted(reduced=160))
        with pytest.raises(RuntimeError):
            file.pixels(Wanted(working=WORK_WIDTH))


def test_orientation_is_applied_to_every_copy(tmp_path):
    stored = Image.new("RGB", (400, 200), "white")
    ImageDraw.Draw(stored).rectangle((0, 0, 40, 199), fill="black")  # along the stored left
    exif = stored.getexif()
    exif[0x0112] = 6  # shown turned a quarter clockwise: the bar is along the top
    path = tmp_path / "turned.jpg"
    stored.save(path, "JPEG", exif=exif.tobytes(), quality=95)
    with open_image(path) as file:
        pixels = file.pixels(Wanted(reduced=100, working=WORK_WIDTH))
    assert pixels.shown == (200, 400)
    assert pixels.working is not None and pixels.working.shape == (400, 200)
    assert pixels.working[:10].mean() < 20 and pixels.working[-10:].mean() > 235
    assert pixels.reduced is not None and pixels.reduced.shape[:2] == (200, 100)


# -- Pillow's globals, with reads in several threads ------------------------------------


def _png_claiming(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0")) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


def _in_threads(count: int, work: Callable[[], None]) -> list[BaseException]:
    errors: list[BaseException] = []

    def guarded() -> None:
        try:
            work()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=guarded) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_reads_in_threads_keep_the_rule_files_limit_and_put_pillows_globals_back(tmp_path):
    """95 MP is over Pillow's own 89.5 MP and under the rules' 100 MP: each read in each
    thread must see the rules' limit while the others start and finish around it."""
    big = tmp_path / "big.png"
    big.write_bytes(_png_claiming(10_000, 9_500))
    small = tmp_path / "small.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "white").save(buffer, "JPEG")
    small.write_bytes(buffer.getvalue())
    before_limit, before_filters = Image.MAX_IMAGE_PIXELS, list(warnings.filters)

    def read_many() -> None:
        for _ in range(150):
            assert probe_image(big).pixels == 95_000_000
            assert probe_image(small).width == 64

    assert _in_threads(4, read_many) == []
    assert before_limit == Image.MAX_IMAGE_PIXELS
    assert warnings.filters == before_filters
    with pytest.raises(ProbeError) as caught:
        probe_image(big, max_pixels=50_000_000)
    assert caught.value.kind == "too-large"


def test_a_logo_file_replaced_in_place_is_loaded_again(tmp_path: Path) -> None:
    """The prepared logo is kept per process, but never past a change to its file."""
    import os

    from PIL import Image

    from listingkit.image import run

    logo = tmp_path / "logo.png"
    Image.new("RGB", (40, 20), "red").save(logo)
    first = run._watermark(str(logo))
    assert run._watermark(str(logo)) is first  # prepared once
    before = os.stat(logo)
    Image.new("RGB", (40, 20), "blue").save(logo)
    os.utime(logo, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert run._watermark(str(logo)) is not first
