"""SHOPxxx: a shop folder as a whole: products against folders, the sheet, each product's title.

The shop family (:mod:`listingkit.shop.family`) builds three kinds of subject:
the shop sheet (``shop_sheet``), each folder directly in the shop folder
(``shop_folder``) and each product (``shop_product``). What the other families
check of a product's files (images, SKU photo names, counts) is theirs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from listingkit.findings import Hit, Severity
from listingkit.printable import printable
from listingkit.registry import check
from listingkit.ruleset import Rules

if TYPE_CHECKING:  # types only: a run with no shop never reads a sheet
    from listingkit.shop.data import DataProblem, ShopProduct
    from listingkit.shop.layout import ProductFolder

__all__ = [
    "ShopFolderSubject",
    "ShopProductSubject",
    "ShopSheetSubject",
    "folder_not_in_sheet",
    "listing_file_invalid",
    "product_folder_missing",
    "shop_sheet_problem",
    "title_composed",
    "title_missing",
]


@dataclass(frozen=True, slots=True)
class ShopSheetSubject:
    """The shop sheet: why it could not be read, its unusable rows, products without a folder."""

    display: str
    root: str
    error: str | None = None
    problems: Sequence[DataProblem] = ()
    #: Products the sheet lists that have no folder, each with the link standing
    #: in its place when there is one (why it was not entered).
    missing: Sequence[tuple[ShopProduct, ProductFolder | None]] = ()


@dataclass(frozen=True, slots=True)
class ShopFolderSubject:
    """A folder directly in the shop folder that no product's data names."""

    folder: ProductFolder
    #: The sheet it was looked up in (None: the shop has listing.toml files only).
    sheet: str | None
    #: Whether any product's data names it (False: SHOP002).
    listed: bool
    #: What is wrong with its ``listing.toml``, when it has one that cannot be used.
    listing_problem: DataProblem | None = None


@dataclass(frozen=True, slots=True)
class ShopProductSubject:
    """One product's data: its title as given, or as composed from its parameters."""

    product: ShopProduct
    #: The best candidate composed from the parameters (no title given).
    composed: str | None = None
    units: int | None = None
    limit: int | None = None
    #: Why no title could be composed from the parameters given.
    failure: str | None = None


@check("SHOP001", "product-folder-missing", subject="shop_sheet")
def product_folder_missing(subject: ShopSheetSubject, rules: Rules) -> Iterator[Hit]:
    """商品表里的商品在店铺文件夹里没有自己的文件夹。

    ## 检查什么
    商品表每个货号在店铺文件夹里都应有一个文件夹：名字就是货号，或把货号作为独立的词
    （``A101``、``连衣裙-A101``），里面放主图、白底、详情、SKU 图。

    ## 为什么
    没有文件夹的商品就没有图片可传，上架时才发现；或者文件夹名写错了，它的图片一张都
    没有按这个商品检查。

    ## 示例
    Okay: 商品表有 A101，店铺文件夹里有 A101/
    SHOP001: 商品表有 A105，店铺文件夹里没有名字含 A105 的文件夹
    """
    for product, link in subject.missing:
        if link is not None:
            message = (
                f"货号 {printable(product.item)} 的文件夹 {link.display} {link.problem}，"
                "它的图片没有检查"
            )
            hint = "把链接换成真正的文件夹（复制图片进来）"
        else:
            message = (
                f"商品表第 {product.row} 行的货号 {printable(product.item)} 在店铺文件夹 "
                f"{subject.root.rstrip('/')}/ 里没有自己的文件夹"
            )
            hint = (
                f"建文件夹 {printable(product.item)}/（放主图、白底、详情、SKU 图），"
                "或核对货号的写法"
            )
        yield Hit(
            message,
            hint=hint,
            row=product.row,
            data={"item": product.item},
        )


@check("SHOP002", "folder-not-in-sheet", subject="shop_folder", severity=Severity.WARNING)
def folder_not_in_sheet(subject: ShopFolderSubject, rules: Rules) -> Iterator[Hit]:
    """店铺文件夹里有一个文件夹，商品表里没有它的货号。

    ## 检查什么
    店铺文件夹里每个文件夹的名字都应含商品表里的一个货号（或文件夹里有 ``listing.toml``）。

    ## 为什么
    多出来的文件夹常是货号写错、商品表漏了一行，或旧款没有清理：它的图片仍按图片规则
    检查，但标题、SKU 颜色和上架时间都无从核对。

    ## 示例
    Okay: 文件夹 A101/，商品表有 A101
    SHOP002: 文件夹 B201/，商品表里没有 B201
    """
    if subject.listed or subject.listing_problem is not None or subject.folder.problem:
        return
    where = f"商品表 {subject.sheet} 里" if subject.sheet else "任何 listing.toml 里"
    yield Hit(
        f"文件夹 {subject.folder.display} 不属于{where}的任何货号",
        hint="把货号加进商品表，或把文件夹改名为货号；旧款请移出店铺文件夹",
        data={"folder": subject.folder.name},
    )


@check("SHOP003", "shop-sheet-problem", subject="shop_sheet")
def shop_sheet_problem(subject: ShopSheetSubject, rules: Rules) -> Iterator[Hit]:
    """店铺的商品表打不开，或有一行不能用。

    ## 检查什么
    商品表能否读出：文件存在、是表格、有货号列；每行的货号能否用作文件夹名（没有
    ``../``、``/`` 这样的字符）。

    ## 为什么
    读不出商品表时，标题、商品文件夹、SKU 颜色和上架时间都没有核对；一行的货号不能
    当文件夹名时，这个商品没有检查。其余的检查照常进行。

    ## 示例
    Okay: 商品.xlsx 第 1 行表头有“货号”
    SHOP003: 商品.xlsx 不是有效的表格文件（只有一半）
    """
    if subject.error is not None:
        yield Hit(
            f"{subject.error}；这次没有核对标题、商品文件夹和上架时间",
            hint="修好或换掉商品表后重新检查",
        )
    for problem in subject.problems:
        yield Hit(problem.message, hint=problem.hint, row=problem.row, column=problem.column)


@check("SHOP004", "title-missing", subject="shop_product")
def title_missing(subject: ShopProductSubject, rules: Rules) -> Iterator[Hit]:
    """商品没有标题，也组不出标题。

    ## 检查什么
    商品表的标题列（或 ``listing.toml`` 的 title）有没有填；没填时，产品词等标题参数能否
    按平台规则组出一个标题。

    ## 为什么
    没有标题的商品不能发布。

    ## 示例
    Okay: 标题列为空，产品词 连衣裙、类目词 女装
    SHOP004: 标题列为空，产品词也为空
    """
    if subject.product.title or subject.composed:
        return
    item = printable(subject.product.item)
    if subject.failure is not None:
        message = f"货号 {item} 没有标题，按参数也组不出：{subject.failure}"
        hint = "填上标题，或补全产品词等参数"
    else:
        message = f"货号 {item} 没有标题，也没有产品词等标题参数"
        hint = "填上标题，或填产品词、类目词、属性词，listingkit 会组出候选"
    yield Hit(message, hint=hint, data={"item": subject.product.item})


@check("SHOP005", "title-composed", subject="shop_product", severity=Severity.INFO)
def title_composed(subject: ShopProductSubject, rules: Rules) -> Iterator[Hit]:
    """商品没有标题：按它的参数组出了最佳候选，请确认后填进去。

    ## 检查什么
    标题为空而有产品词等参数时，按平台的标题公式和长度上限组出得分最高的标题。

    ## 为什么
    上架前每个商品都要有一个定稿的标题；组出的候选已经过极限词、重复词和长度检查，
    但要由运营确认。``listingkit titles`` 给出更多候选。

    ## 示例
    Okay: 标题列已填
    SHOP005: 标题列为空，产品词 衬衫 → 候选“衬衫男长袖纯棉商务白衬衣”
    """
    if subject.product.title or subject.composed is None:
        return
    length = f"（{subject.units}/{subject.limit}）" if subject.limit else ""
    yield Hit(
        f"货号 {printable(subject.product.item)} 没有标题；按参数组出的最佳候选："
        f"“{subject.composed}”{length}",
        hint="确认后把它填进标题列；更多候选用 listingkit titles 生成",
        data={"item": subject.product.item, "title": subject.composed, "units": subject.units},
    )


@check("SHOP006", "listing-file-invalid", subject="shop_folder")
def listing_file_invalid(subject: ShopFolderSubject, rules: Rules) -> Iterator[Hit]:
    """商品文件夹里的 listing.toml 不能用。

    ## 检查什么
    ``listing.toml`` 是有效的 TOML，只用认识的键（item、title、colours、featured、list_at、
    params，或中文的 货号、标题、颜色、主推、上架时间、参数），值的类型正确。

    ## 为什么
    不能用的 listing.toml 里的标题和颜色都没有核对。

    ## 示例
    Okay: title = "碎花连衣裙女夏"
    SHOP006: titel = "碎花连衣裙女夏"（键写错）
    """
    problem = subject.listing_problem
    if problem is not None:
        yield Hit(problem.message, hint=problem.hint)
