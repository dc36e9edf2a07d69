"""The SKU family as the engine runs it: photo names, read from the folder listing.

Which files it takes:

- under ``listingkit check`` (:data:`FAMILY`), the photos in a SKU role folder
  (``SKU/``, ``颜色图/`` … as ``[images.layout]`` names them; see
  :mod:`listingkit.image.roles`) whose extension is in ``[naming].extensions``.
  Main, white-background and detail images are placed by their folders and
  numbered by the image family (``主图/01.jpg``); they are not held to the
  naming rule, so a shop folder laid out by role folders shows no naming
  finding for them. Photos outside any role folder are the image family's too.
- under ``listingkit names`` (:func:`names_family`), every regular file under
  the paths whose extension is in ``[naming].extensions``, wherever it lies;
  links are not followed and pipes or devices are not opened.

Each photo is one ``sku_photo`` subject read from its name alone: nothing is
opened, except that when a selected check reads ``PHOTO_HASH`` each photo's job
asks for its perceptual hash (:func:`listingkit.naming.phash.photo_hash`, in
worker processes when the batch is large). After every photo, one
``sku_folder`` subject per folder, for the checks that compare photos. The
product sheet, for the checks that read ``PRODUCT_SHEET``, is the one given to
``names --sheet`` or :func:`listingkit.check_names`, else the one the rule file
names in ``[naming] products``; without one those checks do not run.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from listingkit.codes import ADAPTER_KINDS
from listingkit.engine import active_checks, run_checks, stamp
from listingkit.errors import ListingkitError
from listingkit.family import Checked, Family, Found, Job, Load, RunOptions
from listingkit.findings import Finding, Hit, Location
from listingkit.image.roles import place_image
from listingkit.naming.checks import SkuFolder, SkuPhoto, items_named_by
from listingkit.naming.phash import PHOTO_HASH, photo_hash
from listingkit.naming.products import PRODUCT_SHEET, ProductSheet, read_products
from listingkit.registry import Selection
from listingkit.ruleset import Rules
from listingkit.subjects import FileSubject

if TYPE_CHECKING:
    from listingkit.naming.grammar import NameGrammar

__all__ = ["FAMILY", "SkuPipeline", "names_family", "photo_extension"]

# Hashing decodes every photo (a reduced JPEG decode, a few ms): worth a second
# process from about as many photos as the image family's decoding reads.
_PARALLEL_HASHES = 40


def photo_extension(name: str) -> str:
    """The extension a name ends in, lower case, before any trailing dots or spaces.

    ``A001_01.JPG `` is still a photo (the portable-name check reports the space).
    """
    return os.path.splitext(name.rstrip(". "))[1].lower()


class SkuPipeline:
    """The SKU checks over one walk: photos by name, then each folder's photos together."""

    def __init__(
        self,
        rules: Rules,
        selection: Selection,
        options: RunOptions,
        *,
        sheet: ProductSheet | None = None,
        every_file: bool = False,
    ) -> None:
        self.reader: Callable[[Any], Any] = photo_hash
        self._rules = rules
        self._every_file = every_file
        self._photo_checks = active_checks("sku_photo", rules, selection)
        self._folder_checks = active_checks("sku_folder", rules, selection)
        chosen = (*self._photo_checks, *self._folder_checks)
        # What the selected checks declare they read decides what is read for them.
        reads = frozenset().union(*(spec.reads for spec in chosen))
        self._hashing = PHOTO_HASH in reads
        # The sheet of the rule file's [naming] products is read once a photo is taken.
        needs_sheet = PRODUCT_SHEET in reads
        self._sheet: ProductSheet | None = sheet if needs_sheet else None
        self._sheet_wanted = needs_sheet and sheet is None
        self._selection = selection
        # Whether the sheet is a shop's, whose problems the shop family reports.
        self._shop_sheet = False
        self._wanted = bool(chosen)
        self._grammar: NameGrammar | None = None  # built for the first photo taken
        self._extensions = frozenset(e.lower() for e in rules.model.naming.extensions)
        self._photos: list[tuple[str, SkuPhoto, int | None]] = []  # (folder, photo, hash)

    # -- choosing ------------------------------------------------------------------

    def _takes(self, file: FileSubject) -> bool:
        name = _base_name(file.display)
        if photo_extension(name) not in self._extensions:
            return False
        if self._every_file:
            return file.error is None and not file.path.is_symlink()
        if file.error is not None or file.size == 0:
            return False  # FILE001/FILE002 say why; one broken file is one finding
        placement = place_image(file.display, self._rules.model.images.layout)
        return placement.role == "sku"

    def take(self, found: Found) -> list[Job]:
        if not self._wanted:
            return []
        jobs = []
        for file in found.files:
            if self._takes(file):
                folder = _parent(file.display)
                task = file.path if self._hashing else None
                jobs.append(Job(file.path, file.display, task, folder))
        if jobs:
            # Imported here: a run with no photo to name never loads the grammar's regex engine.
            from listingkit.naming.grammar import NameGrammar

            self._grammar = NameGrammar.from_rules(self._rules)
            products = self._rules.model.naming.products
            if self._sheet_wanted and products is not None:
                self._sheet = self._read_sheet(products, found)
        return jobs

    def _read_sheet(self, products: str, found: Found) -> ProductSheet | None:
        """The rule file's product sheet; None when a shop check reports why it cannot be read.

        Under ``check`` a shop's sheet is the shop family's to report (SHOP003: the
        file or a row it cannot use), once; the photo checks that need it then
        do not run. Elsewhere a sheet that cannot be read stops the run, as before.
        """
        if self._every_file or not self._shop_reports(products, found):
            return read_products(products)
        self._shop_sheet = True
        try:
            return read_products(products)
        except ListingkitError:
            return None

    def _shop_reports(self, products: str, found: Found) -> bool:
        if self._rules.check_level("SHOP003", "shop-sheet-problem") == "off":
            return False
        if "SHOP003" not in self._selection.codes():
            return False
        from listingkit.shop.layout import find_shops

        return any(shop.sheet is not None for shop in find_shops(sorted(found.given), products))

    def load(self, jobs: Sequence[Job]) -> Load:
        hashed = sum(1 for job in jobs if job.task is not None)
        return Load(parallel=hashed >= _PARALLEL_HASHES, heavy=hashed > 0)

    # -- checking ------------------------------------------------------------------

    def check(self, job: Job, read: Any) -> Checked:
        from listingkit.naming.grammar import NameMismatch

        assert self._grammar is not None  # take() gave no job otherwise
        name = _base_name(job.display)
        try:
            # In a SKU role folder a photo is named as a SKU photo (货号_颜色_序号);
            # `names` on a folder accepts any role's template.
            role = None if self._every_file else "sku"
            parts, mismatch = self._grammar.parse(name, role), None
        except NameMismatch as exc:
            parts, mismatch = None, exc
        photo = SkuPhoto(name, job.display, self._grammar, parts, mismatch, self._sheet, role)
        self._photos.append((job.context, photo, read))
        findings = run_checks(self._photo_checks, photo, Location(job.display), self._rules)
        return Checked([job.display], findings)

    def finish(self) -> list[Finding]:
        findings = self._sheet_problems()
        if not self._folder_checks or not self._photos:
            return findings
        folders: dict[str, list[tuple[SkuPhoto, int | None]]] = {}
        for folder, photo, read in self._photos:
            folders.setdefault(folder, []).append((photo, read))
        everything = tuple(photo for _, photo, _ in self._photos)
        listed = sorted(self._sheet.items()) if self._sheet is not None else []
        owned: set[str] = set()
        for folder in sorted(folders, key=lambda f: PurePosixPath(f).parts):
            members = folders[folder]
            photos = tuple(photo for photo, _ in members)
            items = self._items_of(folder, photos, listed) - owned
            owned |= items
            hashes = _hashes(members) if self._hashing else ()
            subject = SkuFolder(folder, photos, self._sheet, items, everything, hashes)
            findings += run_checks(self._folder_checks, subject, Location(folder), self._rules)
        return findings

    def _items_of(
        self, folder: str, photos: Sequence[SkuPhoto], listed: Sequence[str]
    ) -> frozenset[str]:
        """The sheet's 货号 this folder stands for: its photos', and those its path names."""
        if not listed:
            return frozenset()
        by_text = {item.casefold(): item for item in listed}
        named = {
            by_text[p.parts.item.casefold()]
            for p in photos
            if p.parts is not None and p.parts.item.casefold() in by_text
        }
        return frozenset(named) | items_named_by(PurePosixPath(folder).parts, listed)

    def _sheet_problems(self) -> list[Finding]:
        """Rows of the product sheet that were not used (an unsafe 货号), at their rows.

        They are reported by the photo check that reads the sheet: it is the
        one that would have matched photos against those rows.
        """
        sheet = self._sheet
        spec = next((s for s in self._photo_checks if PRODUCT_SHEET in s.reads), None)
        if sheet is None or spec is None or self._shop_sheet:
            return []
        return [
            stamp(
                spec,
                Hit(problem.message, hint=problem.hint, source=f"商品表 {sheet.display}"),
                Location(sheet.shown_path, sheet.name, problem.row, problem.column),
                self._rules,
            )
            for problem in sheet.problems
        ]


def _hashes(members: Sequence[tuple[SkuPhoto, Any]]) -> tuple[Any, ...]:
    from listingkit.naming.duplicates import PhotoHash

    return tuple(
        PhotoHash(Path(photo.display), photo.name, read if isinstance(read, int) else None)
        for photo, read in members
    )


def names_family(sheet: ProductSheet | None = None) -> Family:
    """The SKU family as ``listingkit names`` runs it: every photo file, this sheet."""
    start = partial(SkuPipeline, sheet=sheet, every_file=True)
    return Family("SKU", ADAPTER_KINDS["SKU"], start)


FAMILY = Family("SKU", ADAPTER_KINDS["SKU"], SkuPipeline)


# Displays are POSIX paths the walk made: plain string work, not pathlib's parsing
# (a third of the time of a names-only run over 20,000 photos).
def _base_name(display: str) -> str:
    return display.rpartition("/")[2]


def _parent(display: str) -> str:
    if "//" in display or "./" in display:  # a path as typed (./商品): pathlib's reading
        return PurePosixPath(display).parent.as_posix()
    head, slash, _ = display.rpartition("/")
    return (head or "/") if slash else "."
