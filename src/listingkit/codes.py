"""The central table of check codes (one line per code, as ruff's codes table).

The table lets a rule file's ``[checks]`` and ``--select``/``--ignore`` be
validated without importing any check family: an image run must never pay for
jieba. Each code's check lives in its family's module; a test keeps the two in
step. Codes are a family prefix and three digits, grouped by tens; a retired
code stays here, marked retired, and is never reused.

A new check starts with ``python -m listingkit.dev new-check CODE name``: it
writes the line here, a stub in the family's module and a case file.
"""

from __future__ import annotations

import re

__all__ = [
    "ADAPTERS",
    "ADAPTER_KINDS",
    "CODES",
    "CODE_PATTERN",
    "FAMILIES",
    "FAMILY_SUBJECTS",
    "family_of",
]

CODE_PATTERN = re.compile(r"^(FILE|TITLE|IMG|SHEET|SKU|SLOT|SHOP)\d{3}$")

#: Family prefix → the module that defines its checks (imported on demand).
FAMILIES: dict[str, str] = {
    "FILE": "listingkit.files.checks",
    "TITLE": "listingkit.title.checks",
    "IMG": "listingkit.image.checks",
    "SHEET": "listingkit.sheets.checks",
    "SKU": "listingkit.naming.checks",
    "SLOT": "listingkit.slots.checks",
    "SHOP": "listingkit.shop.checks",
}

#: Family prefix → the kinds of subject its checks read, so that a run over
#: images never imports the title family (and so never jieba).
FAMILY_SUBJECTS: dict[str, frozenset[str]] = {
    "FILE": frozenset({"file", "image_error", "folder"}),
    "TITLE": frozenset({"title", "sheet_row"}),
    "IMG": frozenset({"image", "image_set"}),
    "SHEET": frozenset({"sheet"}),
    "SKU": frozenset({"sku_photo", "sku_folder"}),
    "SLOT": frozenset({"slot_sheet", "slot_plan"}),
    "SHOP": frozenset({"shop_sheet", "shop_folder", "shop_product"}),
}

#: Family prefix → the module of its adapter for the engine: a ``FAMILY``
#: (:class:`listingkit.family.Family`) saying which subjects it takes from a
#: walk and how to read them. Imported only when a selected check reads a kind
#: of subject the adapter builds (:data:`ADAPTER_KINDS`), so the engine names
#: no family and ``check`` on a folder of images never imports jieba.
ADAPTERS: dict[str, str] = {
    "FILE": "listingkit.files.family",
    "TITLE": "listingkit.title.family",
    "IMG": "listingkit.image.family",
    "SKU": "listingkit.naming.family",
    "SHOP": "listingkit.shop.family",
}

#: Family prefix → the kinds of subject its adapter builds and hands to checks
#: (of any family: an image that cannot be read is FILE003's ``image_error``).
ADAPTER_KINDS: dict[str, frozenset[str]] = {
    "FILE": frozenset({"file", "folder"}),
    # A title file that cannot be decoded is FILE001's ``file``.
    "TITLE": frozenset({"title", "file"}),
    "IMG": frozenset({"image", "image_set", "image_error"}),
    # Photo names only: a photo that cannot be decoded is the image family's FILE003.
    "SKU": frozenset({"sku_photo", "sku_folder"}),
    # A shop's sheet, folders and products, and the titles and listing times its
    # sheet gives (linted and planned by the title and slot checks).
    "SHOP": frozenset(
        {"shop_sheet", "shop_folder", "shop_product", "title", "slot_sheet", "slot_plan"}
    ),
}

#: Code → kebab-case name.
CODES: dict[str, str] = {
    "FILE001": "file-unreadable",
    "FILE002": "file-empty",
    "FILE003": "image-unreadable",
    "FILE004": "folder-not-checked",
    "IMG001": "format-not-allowed",
    "IMG002": "extension-mismatch",
    "IMG003": "image-too-heavy",
    "IMG004": "wrong-aspect-ratio",
    "IMG005": "image-too-small",
    "IMG006": "under-recommended-size",
    "IMG007": "image-too-large",
    "IMG010": "color-mode",
    "IMG011": "transparency-or-animation",
    "IMG020": "too-many-images",
    "IMG021": "too-few-images",
    "IMG022": "required-slot-missing",
    "IMG030": "not-white-background",
    "IMG031": "product-fill",
    "IMG040": "watermark-missing",
    "IMG041": "watermark-forbidden",
    "SHEET001": "duplicate-header",
    "SHEET002": "merged-cells",
    "SHEET003": "keyword-row-skipped",
    "SHOP001": "product-folder-missing",
    "SHOP002": "folder-not-in-sheet",
    "SHOP003": "shop-sheet-problem",
    "SHOP004": "title-missing",
    "SHOP005": "title-composed",
    "SHOP006": "listing-file-invalid",
    "SKU001": "name-not-in-grammar",
    "SKU002": "unknown-item",
    "SKU003": "item-without-photo",
    "SKU004": "sequence-gap-or-duplicate",
    "SKU010": "name-breaks-elsewhere",
    "SKU011": "names-clash",
    "SKU030": "duplicate-photo",
    "SLOT001": "slot-sheet-row-skipped",
    "SLOT010": "more-products-than-slots",
    "SLOT011": "fixed-time-in-dead-hour",
    "SLOT012": "fixed-times-clash",
    "SLOT013": "fixed-time-outside-the-week",
    "TITLE001": "title-too-long",
    "TITLE002": "title-too-short",
    "TITLE003": "forbidden-character",
    "TITLE004": "invisible-character",
    "TITLE005": "emoji-in-title",
    "TITLE006": "bad-spacing",
    "TITLE010": "banned-word",
    "TITLE020": "repeated-word",
    "TITLE030": "foreign-brand",
    "TITLE031": "missing-product-word",
    "TITLE040": "title-not-composed",
}


def family_of(code: str) -> str:
    """``"TITLE001"`` → ``"TITLE"``."""
    return code.rstrip("0123456789")
