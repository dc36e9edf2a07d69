"""SKU photo names: the store's naming grammar, names that break elsewhere, renaming.

Submodules are imported where they are used; this package imports nothing heavy.
"""
