"""Images never stop a batch: the pixel limit is the rule file's, padding is not truncation,
formats that cannot be decoded here are findings, and no library warning reaches stderr."""

from __future__ import annotations

import io
import json
import struct
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, features

from listingkit.image.background import measure_background
from listingkit.image.probe import ProbeError, probe_image
from tests.hostile.conftest import Proc
from tests.hostile.test_images_corpus import lying_exif, malformed_tiffs

Run = Callable[..., Proc]


def _jpeg(size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.linear_gradient("L").resize(size).convert("RGB").save(buffer, "JPEG")
    return buffer.getvalue()


def _bytes_read() -> int:
    """Bytes this process has read through system calls so far (Linux)."""
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    raise AssertionError("no rchar in /proc/self/io")


def _report(run: Proc) -> dict[str, object]:
    assert run.status in (0, 1), run.stderr
    assert run.err == b"", run.stderr
    report: dict[str, object] = json.loads(run.out)
    return report


def _findings(run: Proc) -> list[dict[str, object]]:
    findings = _report(run)["findings"]
    assert isinstance(findings, list)
    return findings


# -- the pixel limit ------------------------------------------------------------


@pytest.fixture(scope="module")
def ninety_five_megapixels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real 10000×9500 PNG: above Pillow's 89.5 MP default, below the rules' 100 MP."""
    path = tmp_path_factory.mktemp("big") / "详情" / "01.png"
    path.parent.mkdir()
    Image.new("1", (10_000, 9_500), 1).save(path)
    return path


def test_a_png_above_pillows_default_is_read_when_the_rules_allow_it(ninety_five_megapixels):
    assert probe_image(ninety_five_megapixels).pixels == 95_000_000
    assert probe_image(ninety_five_megapixels, max_pixels=95_000_000).pixels == 95_000_000


def test_the_rule_files_limit_refuses_it_without_decoding(ninety_five_megapixels):
    with pytest.raises(ProbeError) as caught:
        probe_image(ninety_five_megapixels, max_pixels=50_000_000)
    assert caught.value.kind == "too-large" and "50,000,000" in caught.value.reason
    with pytest.raises(ProbeError) as decoded:
        measure_background(ninety_five_megapixels, max_pixels=50_000_000)
    assert decoded.value.kind == "too-large"


def test_the_command_uses_max_pixels_from_the_store_file(
    ninety_five_megapixels, listingkit: Run, tmp_path
):
    folder = ninety_five_megapixels.parent
    codes = {
        f["code"]
        for f in _findings(
            listingkit(
                "images", folder, "--platform", "taobao", "--format", "json", "--no-progress"
            )
        )
    }
    assert "FILE003" not in codes
    store = tmp_path / "listingkit.toml"
    store.write_text('extends = "taobao"\n[images]\nmax_pixels = 50000000\n', encoding="utf-8")
    run = listingkit("images", folder, "--rules", store, "--format", "json", "--no-progress")
    (finding,) = [f for f in _findings(run) if f["code"] == "FILE003"]
    assert "50,000,000" in str(finding["message"])


def test_pillows_own_limit_is_put_back_after_each_read(ninety_five_megapixels):
    before = Image.MAX_IMAGE_PIXELS
    probe_image(ninety_five_megapixels, max_pixels=200_000_000)
    with pytest.raises(ProbeError):
        probe_image(ninety_five_megapixels, max_pixels=1_000)
    assert before == Image.MAX_IMAGE_PIXELS


# -- padding after the end marker ----------------------------------------------------


def test_a_jpeg_followed_by_200_mb_of_zeros_is_complete_and_not_read_whole(tmp_path):
    path = tmp_path / "主图" / "01.jpg"
    path.parent.mkdir()
    path.write_bytes(_jpeg())
    with open(path, "r+b") as handle:
        handle.truncate(
            path.stat().st_size + 200 * 2**20
        )  # zeros, as a preallocating copier leaves
    start = _bytes_read()
    facts = probe_image(path)
    assert (facts.width, facts.height) == (64, 48)
    assert _bytes_read() - start < 4 * 2**20


@pytest.mark.parametrize(
    "padding",
    [b"\0" * 3_000_000, b"\xff" * 5_000, b"\0" * 100],
    ids=["3MB-zeros", "5KB-ff", "100-zeros"],
)
def test_written_padding_after_the_end_marker_is_not_truncation(tmp_path, padding):
    path = tmp_path / "01.jpg"
    path.write_bytes(_jpeg() + padding)
    assert probe_image(path).width == 64


@pytest.mark.parametrize("zeros", [100, 3_000_000, 200 * 2**20])
def test_a_cut_jpeg_followed_by_zeros_is_still_truncated(tmp_path, zeros):
    path = tmp_path / "01.jpg"
    data = _jpeg((256, 256))
    path.write_bytes(data[: len(data) // 2])
    with open(path, "r+b") as handle:
        handle.truncate(len(data) // 2 + zeros)
    with pytest.raises(ProbeError) as caught:
        probe_image(path)
    assert caught.value.kind == "truncated"


# -- formats this Pillow cannot decode ----------------------------------------------

HEIC = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + bytes(200)


@pytest.mark.parametrize("command", ["images", "check"])
def test_heic_is_a_finding_saying_it_cannot_be_checked(listingkit: Run, tmp_path, command):
    folder = tmp_path / "商品" / "主图"
    folder.mkdir(parents=True)
    (folder / "01.heic").write_bytes(HEIC)
    (folder / "02.HEIF").write_bytes(HEIC)
    (folder / "03.jpg").write_bytes(HEIC)  # an iPhone photo renamed
    run = listingkit(
        command, tmp_path / "商品", "--platform", "taobao", "--format", "json", "--no-progress"
    )
    unreadable = {
        Path(str(f["location"]["path"])).name: f for f in _findings(run) if f["code"] == "FILE003"
    }
    assert set(unreadable) == {"01.heic", "02.HEIF", "03.jpg"}
    for finding in unreadable.values():
        assert "HEIF/HEIC" in str(finding["message"]) and "无法检查" in str(finding["message"])
        assert "JPEG" in str(finding["hint"]) and finding["data"] == {"reason": "unsupported"}


@pytest.mark.skipif(
    not features.check("avif"), reason="this Pillow has no AVIF decoder (see the HEIC test)"
)
def test_avif_is_checked_when_this_pillow_reads_it(listingkit: Run, tmp_path):
    folder = tmp_path / "主图"
    folder.mkdir()
    Image.new("RGB", (800, 800), "white").save(folder / "01.avif", "AVIF")
    findings = _findings(
        listingkit("images", folder, "--platform", "taobao", "--format", "json", "--no-progress")
    )
    assert [f["code"] for f in findings] == ["IMG001"]  # read, and AVIF is not allowed
    assert "AVIF" in str(findings[0]["message"])


# -- exceptions and warnings from the image library --------------------------------------


def test_missing_dimensions_is_one_finding_and_the_batch_goes_on(listingkit: Run, tmp_path):
    folder = tmp_path / "主图"
    folder.mkdir()
    (folder / "01.tif").write_bytes(malformed_tiffs()["no-dimensions"])
    Image.new("RGB", (800, 800), "white").save(folder / "02.jpg")
    run = listingkit("images", folder, "--platform", "taobao", "--format", "json", "--no-progress")
    findings = _findings(run)
    (broken,) = [f for f in findings if f["code"] == "FILE003"]
    assert str(broken["location"]["path"]).endswith("01.tif")
    assert len(_report(run)["subjects"]) == 2


def test_no_library_warning_or_log_reaches_stderr_from_the_workers(listingkit: Run, tmp_path):
    """Enough files for the worker processes, each making Pillow warn or log."""
    folder = tmp_path / "详情"
    folder.mkdir()
    odd = [*lying_exif().values(), malformed_tiffs()["samples-per-pixel-absurd"]]
    for n in range(450):
        data = odd[n % len(odd)]
        suffix = ".tif" if data.startswith(b"II") else ".jpg"
        (folder / f"{n:03d}{suffix}").write_bytes(data)
    for extra in ([], ["--role", "white_background"]):
        run = listingkit(
            "images", folder, "--platform", "taobao", "--format", "json", "--no-progress", *extra
        )
        assert len(_report(run)["subjects"]) == 450


def test_a_header_that_reads_but_pixels_that_do_not_is_truncated_when_decoded(tmp_path):
    data = bytearray(_jpeg((256, 256)))
    scan = data.index(b"\xff\xda")
    data[scan + 40 : -2] = bytes(len(data) - 2 - scan - 40)  # pixels gone, end marker kept
    path = tmp_path / "01.jpg"
    path.write_bytes(bytes(data))
    assert probe_image(path).width == 256
    measured = measure_background(path)  # libjpeg fills what it cannot read: still a result
    assert measured.decoded_size[0] > 0
    struct.pack_into(">H", data, data.index(b"\xff\xc0") + 5, 0)  # height 0
    path.write_bytes(bytes(data))
    with pytest.raises(ProbeError):
        probe_image(path)
    with pytest.raises(ProbeError):
        measure_background(path)
