"""Make the CJK font that listingkit draws its pictures with.

The slot heatmap has Chinese labels and must render them on a machine without
fonts or network, so the package ships a subset of Noto Sans CJK SC Regular
(SIL Open Font License 1.1, which allows subsetting and redistribution with
the licence): ASCII, CJK and full-width punctuation, a few symbols, and the
3,755 characters of GB 2312 level 1 (the common characters), about 1.5 MB
instead of 19 MB. Store words outside that set are drawn as ``?``.

Made with fontTools (a developer tool, not a dependency)::

    apt-get install fonts-noto-cjk && pip install fonttools
    python -m listingkit.dev font /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
"""

from __future__ import annotations

from pathlib import Path

from listingkit.errors import UsageError
from listingkit.fonts import FONT_FILE

__all__ = ["FONT_FILE", "font_characters", "make_font"]

_FAMILY = "Noto Sans CJK SC"
_SYMBOLS = "·—…‘’“”×÷°±←→↑↓●○■□▲△▼▽★☆√"


def _gb2312_level1() -> set[str]:
    # Level 1 is rows 16-55 (lead bytes 0xB0-0xD7), ordered by pinyin.
    found: set[str] = set()
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            try:
                found.add(bytes((lead, trail)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return found


def font_characters() -> set[str]:
    """Every character the shipped subset holds."""
    ascii_ = {chr(code) for code in range(0x20, 0x7F)}
    cjk_punctuation = {chr(code) for code in range(0x3000, 0x3040)}
    full_width = {chr(code) for code in range(0xFF01, 0xFF5F)}
    return ascii_ | cjk_punctuation | full_width | set(_SYMBOLS) | _gb2312_level1()


def make_font(source: Path, target: Path) -> Path:
    """Subset the Simplified Chinese face of ``source`` (a Noto Sans CJK .ttc) to ``target``."""
    try:
        from fontTools import subset
        from fontTools.ttLib import TTCollection
    except ImportError:
        raise UsageError("需要 fontTools 来生成字体：pip install fonttools") from None
    collection = TTCollection(str(source))
    faces = [face for face in collection.fonts if face["name"].getDebugName(1) == _FAMILY]
    if not faces:
        raise UsageError(
            f"{source} 里没有 {_FAMILY}；请给出 fonts-noto-cjk 的 NotoSansCJK-Regular.ttc"
        )
    options = subset.Options()
    options.hinting = False  # drawn at 12-20 px onto a picture: hints change nothing visible
    options.name_IDs = ["*"]  # keep the copyright and licence records
    options.name_languages = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(ch) for ch in font_characters()))
    face = faces[0]
    subsetter.subset(face)
    face.save(str(target))
    return target
