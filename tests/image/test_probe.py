"""Header facts of real image files made in the test, and the files that are not images."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageCms

from listingkit.image.probe import ProbeError, probe_image


def save(image: Image.Image, path: Path, fmt: str, **options: object) -> Path:
    image.save(path, fmt, **options)
    return path


def test_plain_jpeg(tmp_path):
    path = save(Image.new("RGB", (800, 600), "white"), tmp_path / "主图1.jpg", "JPEG")
    facts = probe_image(path)
    assert (facts.format, facts.width, facts.height, facts.mode, facts.bits) == (
        "jpeg",
        800,
        600,
        "RGB",
        8,
    )
    assert facts.bytes == path.stat().st_size
    assert not facts.progressive and not facts.animated and not facts.has_alpha
    assert not facts.extension_lies and facts.is_srgb is None


def test_progressive_jpeg(tmp_path):
    path = save(Image.new("RGB", (64, 64), "red"), tmp_path / "p.jpg", "JPEG", progressive=True)
    assert probe_image(path).progressive


@pytest.mark.parametrize(
    ("orientation", "size"), [(1, (300, 200)), (6, (200, 300)), (8, (200, 300))]
)
def test_exif_orientation_gives_the_displayed_size(tmp_path, orientation, size):
    image = Image.new("RGB", (300, 200), "white")
    exif = image.getexif()
    exif[0x0112] = orientation
    path = save(image, tmp_path / "r.jpg", "JPEG", exif=exif.tobytes())
    facts = probe_image(path)
    assert (facts.width, facts.height) == size and facts.orientation == orientation


def test_cmyk_jpeg(tmp_path):
    path = save(Image.new("CMYK", (50, 50)), tmp_path / "c.jpg", "JPEG")
    facts = probe_image(path)
    assert facts.mode == "CMYK" and facts.is_cmyk


def test_sixteen_bit_png(tmp_path):
    path = save(Image.new("I;16", (40, 30)), tmp_path / "g.png", "PNG")
    facts = probe_image(path)
    assert facts.bits == 16 and facts.format == "png"


def test_palette_with_transparency(tmp_path):
    image = Image.new("P", (20, 20))
    path = save(image, tmp_path / "t.png", "PNG", transparency=0)
    facts = probe_image(path)
    assert facts.mode == "P" and facts.has_alpha


def test_rgba_has_alpha(tmp_path):
    path = save(Image.new("RGBA", (20, 20)), tmp_path / "a.png", "PNG")
    assert probe_image(path).has_alpha


def test_animated_gif(tmp_path):
    frames = [Image.new("RGB", (16, 16), color) for color in ("red", "green", "blue")]
    path = tmp_path / "动图.gif"
    frames[0].save(path, "GIF", save_all=True, append_images=frames[1:], duration=100)
    facts = probe_image(path)
    assert facts.animated and facts.frames == 3


def test_wrong_extension(tmp_path):
    path = save(Image.new("RGB", (10, 10)), tmp_path / "其实是png.jpg", "PNG")
    facts = probe_image(path)
    assert facts.format == "png" and facts.extension_format == "jpeg" and facts.extension_lies


@pytest.mark.parametrize(("profile", "srgb"), [("sRGB", True), ("LAB", False)])
def test_embedded_profile(tmp_path, profile, srgb):
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile(profile)).tobytes()
    path = save(Image.new("RGB", (10, 10)), tmp_path / "icc.jpg", "JPEG", icc_profile=icc)
    assert probe_image(path).is_srgb is srgb


def test_no_pixels_are_decoded(tmp_path, monkeypatch):
    path = save(Image.new("RGB", (400, 400), "blue"), tmp_path / "x.jpg", "JPEG")

    def refuse(self):
        raise AssertionError("probe decoded pixels")

    monkeypatch.setattr(Image.Image, "load", refuse)
    monkeypatch.setattr("PIL.ImageFile.ImageFile.load", refuse)
    assert probe_image(path).width == 400


def _png_claiming(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0")) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((256, 256), 64).convert("RGB").save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "kind", "words"),
    [
        ("空.jpg", b"", "not-image", "0 字节"),
        ("说明.jpg", "这不是图片".encode(), "not-image", "不是图片"),
        ("截断.jpg", jpeg_bytes()[:-200], "truncated", "不完整"),
        ("头部截断.jpg", jpeg_bytes()[:300], "truncated", "不完整"),
        ("炸弹.png", _png_claiming(100_000, 100_000), "too-large", "解压炸弹"),
    ],
)
def test_files_that_are_not_usable_images(tmp_path, name, content, kind, words):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ProbeError) as caught:
        probe_image(path)
    assert caught.value.kind == kind and words in caught.value.reason


def test_pixel_limit_from_the_caller(tmp_path):
    path = save(Image.new("RGB", (101, 100)), tmp_path / "big.png", "PNG")
    assert probe_image(path, max_pixels=10_100).pixels == 10_100
    with pytest.raises(ProbeError, match="超过上限"):
        probe_image(path, max_pixels=10_099)


def test_missing_file(tmp_path):
    with pytest.raises(ProbeError) as caught:
        probe_image(tmp_path / "没有.jpg")
    assert caught.value.kind == "unreadable" and "文件不存在" in caught.value.reason
