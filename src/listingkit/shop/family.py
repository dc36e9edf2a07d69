"""The SHOP family as the engine runs it: a shop folder's products, titles and listing times.

For each shop among the paths given (:func:`listingkit.shop.layout.find_shops`)
one job, read here (a sheet and a few small files: never worth a process):

- the shop sheet (SHOP003 when it cannot be read, or for a row it cannot use),
  each product against the folders (SHOP001, SHOP002) and each folder's
  ``listing.toml`` (SHOP006);
- each product's title: linted with the title checks when given (TITLE0xx at
  its sheet row), else composed from its parameters (SHOP005), else SHOP004;
- the listing times the sheet fixes, planned week by week with the slot
  checks (SLOT011 a dead hour, SLOT012 two in one slot).

The images, SKU photo names and counts of each product folder are the other
families' (one walk, each image read once). The title family, jieba and the
slot planner are imported only when a shop has titles or listing times.
After the checks, the shop's :class:`~listingkit.shop.overview.ShopOverview`
goes to the ``sink`` a caller gave (:func:`shop_family`), for the reports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from listingkit.codes import ADAPTER_KINDS
from listingkit.engine import active_checks, run_checks
from listingkit.errors import ListingkitError
from listingkit.family import Checked, Family, Found, Job, Load, RunOptions
from listingkit.findings import Finding, Location
from listingkit.registry import Selection
from listingkit.ruleset import Rules
from listingkit.shop.checks import ShopFolderSubject, ShopProductSubject, ShopSheetSubject
from listingkit.shop.layout import ProductFolder, ShopLayout, find_shops, under
from listingkit.shop.overview import ProductCard, ProductImage, ShopOverview, in_slot_order

if TYPE_CHECKING:
    from listingkit.shop.data import ShopProduct, ShopSheet
    from listingkit.title.compose import TitleComposer
    from listingkit.title.lint import TitleLinter

__all__ = ["FAMILY", "ShopPipeline", "shop_family"]

_IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff"})


def _nothing(task: Any) -> None:
    """The reader of a job with no task: never called (jobs carry ``task=None``)."""
    return None


class ShopPipeline:
    """SHOP0xx, and the titles and listing times of a shop sheet, over the shops of one walk."""

    def __init__(
        self,
        rules: Rules,
        selection: Selection,
        options: RunOptions,
        *,
        sink: list[ShopOverview] | None = None,
    ) -> None:
        self.reader: Callable[[Any], Any] = _nothing
        self.rules = rules
        self.selection = selection
        self.options = options
        self.sink = sink
        self.sheet_checks = active_checks("shop_sheet", rules, selection)
        self.folder_checks = active_checks("shop_folder", rules, selection)
        self.product_checks = active_checks("shop_product", rules, selection)
        self.found: Found | None = None
        self._linter: TitleLinter | None = None
        self._composer: TitleComposer | None = None

    def take(self, found: Found) -> list[Job]:
        products = self.rules.model.naming.products
        shops = find_shops(sorted(found.given), products)
        self.found = found
        return [Job(shop.root, shop.display, None, shop) for shop in shops]

    def load(self, jobs: Sequence[Job]) -> Load:
        return Load()

    def check(self, job: Job, read: Any) -> Checked:
        shop: ShopLayout = job.context
        return _ShopRun(self, shop).run()

    def finish(self) -> list[Finding]:
        return []

    # -- what a shop run borrows -------------------------------------------------------

    def linter(self) -> TitleLinter:
        if self._linter is None:
            from listingkit.title.lint import TitleLinter

            select, ignore = self.selection.select, self.selection.ignore
            self._linter = TitleLinter(self.rules, select=select, ignore=ignore)
        return self._linter

    def composer(self) -> TitleComposer:
        if self._composer is None:
            from listingkit.title.compose import TitleComposer

            select, ignore = self.selection.select, self.selection.ignore
            self._composer = TitleComposer(self.rules, select=select, ignore=ignore)
        return self._composer


class _ShopRun:
    """One shop: read its data, match it to its folders, check, describe."""

    def __init__(self, owner: ShopPipeline, shop: ShopLayout) -> None:
        self.owner = owner
        self.rules = owner.rules
        self.shop = shop
        self.findings: list[Finding] = []
        self.subjects: list[str] = []

    def run(self) -> Checked:
        shop = self.shop
        sheet, error = self._sheet()
        listed: dict[str, ShopProduct] = dict(sheet.items()) if sheet is not None else {}
        folders = [f for f in shop.folders if shop.only is None or f.name in shop.only]
        owner_of: dict[str, str] = {}  # folder name → 货号
        folder_subjects: list[ShopFolderSubject] = []
        for folder in folders:
            subject, item = self._folder(folder, listed)
            if item is not None:
                owner_of[folder.name] = item
            if error is not None:  # the sheet unread: no folder is known to be stray
                subject = replace(subject, listed=True)
            folder_subjects.append(subject)
        in_scope = [
            product
            for item, product in listed.items()
            if shop.only is None or item in owner_of.values()
        ]
        flat = self._flat_items(listed)
        with_folder = set(owner_of.values()) | flat
        missing = [
            (product, self._link_for(product.item))
            for product in in_scope
            if product.item not in with_folder and product.row is not None
        ]
        sheet_shown = shop.sheet_display()
        if sheet_shown is not None and self.owner.sheet_checks:
            name = sheet.name if sheet is not None else None
            sheet_subject = ShopSheetSubject(
                sheet_shown,
                shop.display,
                error,
                sheet.problems if sheet is not None else (),
                missing if shop.only is None else (),
            )
            where = Location(sheet_shown, name)
            self.findings += run_checks(self.owner.sheet_checks, sheet_subject, where, self.rules)
            self.subjects.append(sheet_shown)
        for folder_subject in folder_subjects:
            where = Location(folder_subject.folder.display)
            self.findings += run_checks(self.owner.folder_checks, folder_subject, where, self.rules)
        cards = [self._product(p, owner_of) for p in in_scope]
        cards += [
            self._card(None, folder.name, folder.display)
            for folder in folders
            if folder.name not in owner_of and folder.problem is None
        ]
        if sheet is not None and sheet.has_times:
            self._slots(sheet, {p.item for p in in_scope})
        self._describe(cards, sheet_shown)
        return Checked(self.subjects, self.findings)

    # -- the data ----------------------------------------------------------------------

    def _sheet(self) -> tuple[ShopSheet | None, str | None]:
        shop = self.shop
        if shop.sheet is None:
            return None, None
        try:
            from listingkit.shop.data import read_shop_sheet

            return read_shop_sheet(shop.sheet, shop.sheet_display()), None
        except ListingkitError as exc:
            return None, str(exc)

    def _folder(
        self, folder: ProductFolder, listed: dict[str, ShopProduct]
    ) -> tuple[ShopFolderSubject, str | None]:
        """The folder's subject, and the 货号 it holds (None: no product's)."""
        sheet = self.shop.sheet_display()
        if folder.problem is not None:
            return ShopFolderSubject(folder, sheet, True), None
        item = _item_of(folder.name, listed)
        if folder.listing is not None:
            shown = f"{folder.display}/{folder.listing.name}"
            from listingkit.shop.data import DataProblem, read_listing_file

            read = read_listing_file(folder.listing, shown, item or folder.name)
            if isinstance(read, DataProblem):
                return ShopFolderSubject(folder, sheet, item is not None, read), item
            if read.item not in listed:  # the sheet wins for a product it lists
                listed[read.item] = read
            item = read.item
        return ShopFolderSubject(folder, sheet, item is not None), item

    def _flat_items(self, listed: dict[str, ShopProduct]) -> set[str]:
        """Products whose files lie directly in the shop folder, named by 货号 (A101_01.jpg)."""
        from listingkit.naming.checks import items_named_by

        found = self.owner.found
        if found is None or not listed:
            return set()
        root = Path(self.shop.display)
        items: set[str] = set()
        for file in found.usable():
            if Path(file.display).parent == root:
                items |= items_named_by((Path(file.display).stem,), listed)
        return items

    def _link_for(self, item: str) -> ProductFolder | None:
        for folder in self.shop.folders:
            if folder.problem is not None and _item_of(folder.name, {item: None}) == item:
                return folder
        return None

    # -- titles ------------------------------------------------------------------------

    def _product(self, product: ShopProduct, owner_of: dict[str, str]) -> ProductCard:
        from listingkit.text.width import units_of

        composed: str | None = None
        units: int | None = None
        failure: str | None = None
        spec = self.rules.model.title
        limit = spec.max_units
        if product.title:
            from listingkit.title.lint import TitleInput

            words = product.params.get("product", ())
            self.findings += self.owner.linter().lint(
                TitleInput(
                    product.title,
                    product.source,
                    product.sheet,
                    product.row,
                    product.title_column,
                    tuple(words),
                )
            )
            units = units_of(product.title, spec.unit_weights)
        elif product.has_params and self.owner.product_checks:
            composed, units, failure = self._compose(product)
        if self.owner.product_checks:
            subject = ShopProductSubject(product, composed, units, limit, failure)
            where = Location(product.source, product.sheet, product.row, product.title_column)
            self.findings += run_checks(self.owner.product_checks, subject, where, self.rules)
        self.subjects.append(
            f"{product.source}:{product.row}" if product.row is not None else product.source
        )
        folder = next((f for f in self.shop.folders if owner_of.get(f.name) == product.item), None)
        card = self._card(product, product.item, folder.display if folder is not None else None)
        return _with_title(card, product.title or composed, composed is not None, units, limit)

    def _compose(self, product: ShopProduct) -> tuple[str | None, int | None, str | None]:
        from listingkit.title.compose import TitleParams

        try:
            params = TitleParams(**{part: tuple(words) for part, words in product.params.items()})
            candidates = self.owner.composer().compose(params, 1)
        except ListingkitError as exc:
            return None, None, str(exc)
        if not candidates:
            return None, None, "参数组不出不超长、不含极限词的标题"
        best = candidates[0]
        return best.title, best.units, None

    # -- listing times -----------------------------------------------------------------

    def _slots(self, sheet: ShopSheet, items: set[str]) -> None:
        """SLOT0xx for the listing times the sheet fixes, one plan per week (Monday first)."""
        select, ignore = self.owner.selection.select, self.owner.selection.ignore
        if not active_checks("slot_plan", self.rules, self.owner.selection) and not active_checks(
            "slot_sheet", self.rules, self.owner.selection
        ):
            return
        from listingkit.slots.checks import slot_findings
        from listingkit.slots.plan import plan_slots
        from listingkit.slots.profile import read_slot_products

        try:
            rows, skipped = read_slot_products(sheet.table or sheet.path, sheet=sheet.name)
        except ListingkitError:
            return  # the sheet read above, so this is a column the planner needs: nothing to plan
        shown = sheet.display
        rows_in_scope = {q.row for q in sheet.products if q.item in items}
        mine = [problem for problem in skipped if problem.row in rows_in_scope]
        self.findings += slot_findings(
            mine, self.rules, display=shown, select=select, ignore=ignore
        )
        weeks: dict[dt.date, list[Any]] = {}
        for row in rows:
            if row.fixed is None or row.item not in items:
                continue
            day = row.fixed.date()
            weeks.setdefault(day - dt.timedelta(days=day.weekday()), []).append(row)
        for monday in sorted(weeks):
            try:
                plan = plan_slots(weeks[monday], self.rules, start=monday)
            except ListingkitError:
                return  # the platform gives no hourly demand: nothing to weigh times against
            self.findings += slot_findings(
                plan, self.rules, display=shown, sheet=sheet.name, select=select, ignore=ignore
            )

    # -- the overview ------------------------------------------------------------------

    def _card(self, product: ShopProduct | None, item: str, folder: str | None) -> ProductCard:
        images = self._images(folder) if folder is not None else ()
        if product is None:
            return ProductCard(item, folder, images=images)
        return ProductCard(item, folder, product.row, images=images, data_path=product.source)

    def _images(self, folder: str) -> tuple[ProductImage, ...]:
        from listingkit.image.roles import Placer

        found = self.owner.found
        if found is None:
            return ()
        place = Placer(self.rules.model.images.layout, self.owner.options.role)
        images = []
        for file in found.files:
            if not under(file.display, folder):
                continue
            if Path(file.display).suffix.lower() not in _IMAGE_SUFFIXES:
                continue
            placement = place(file.display)
            images.append(ProductImage(file.display, file.path, placement.role, placement.slot))
        return in_slot_order(images)

    def _describe(self, cards: list[ProductCard], sheet: str | None) -> None:
        sink = self.owner.sink
        if sink is None:
            return
        name = str(self.rules.display_name)
        sink.append(ShopOverview(self.shop.display, name, sheet, tuple(cards)))


def _with_title(
    card: ProductCard, title: str | None, composed: bool, units: int | None, limit: int | None
) -> ProductCard:
    return replace(card, title=title, composed=composed, units=units, limit=limit)


def _item_of(name: str, listed: dict[str, Any]) -> str | None:
    """The 货号 a folder's name gives: itself, else the one 货号 it holds as a word."""
    from listingkit.naming.checks import items_named_by

    by_text = {item.casefold(): item for item in listed}
    exact = by_text.get(name.casefold())
    if exact is not None:
        return exact
    named = items_named_by((name,), listed)
    return next(iter(named)) if len(named) == 1 else None


def shop_family(sink: list[ShopOverview]) -> Family:
    """The SHOP family, handing each shop's overview to ``sink`` after its checks."""
    return Family("SHOP", ADAPTER_KINDS["SHOP"], partial(ShopPipeline, sink=sink))


FAMILY = Family("SHOP", ADAPTER_KINDS["SHOP"], ShopPipeline)
