"""A shop folder checked in one pass: its products, their folders, titles and listing times.

The folder convention is in docs/check.md. :func:`listingkit.check_shop` runs
the check; :class:`listingkit.ShopOverview` is what the reports show of it.
"""
