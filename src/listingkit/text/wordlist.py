"""How a listed word is found in text: spellings folded to one normal form.

Word-list files are rule data, read and validated by
:mod:`listingkit.ruleset.wordlists`; the matcher that finds their words in a
title is :class:`listingkit.text.words.PhraseMatcher`. Both fold spellings with
:func:`normal_form` (from :mod:`listingkit.folding`, below both layers), kept
importable here for the text layer.
"""

from __future__ import annotations

from listingkit.folding import normal_form

__all__ = ["normal_form"]
