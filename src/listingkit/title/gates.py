"""The title checks a composed title must pass, stamped as the linter stamps them.

A title check declared with ``gate=True`` is a gate. The composer runs the
selected gates the rule file leaves on: each distinct word through those that
match the text alone, and every candidate title whole through all of them.
Each hit is stamped by :func:`listingkit.engine.stamp`, so the rule file's
``[checks]`` level and the evidence-grade caps decide, exactly as they do for
``lint-titles``, whether a hit refuses a word (warning or above) or is only
noted on the candidate (info).
"""

from __future__ import annotations

from collections.abc import Iterable

from listingkit.engine import active_checks, stamp
from listingkit.findings import Finding, Hit, Location, Severity
from listingkit.registry import CheckSpec, Selection
from listingkit.ruleset import Rules
from listingkit.title.checks import MAX_TITLE_CHARS
from listingkit.title.context import TitleContext
from listingkit.title.subject import TOKENS, TitleSubject

__all__ = ["Gates", "refusing"]

#: Where a finding on a word or a candidate is, before it is a title in a file.
_COMPOSED = Location("<标题>")


def refusing(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that refuse a word: at warning or above."""
    return [f for f in findings if f.severity.rank >= Severity.WARNING.rank]


class Gates:
    """The gates of one run: which checks, and their findings on a word or a title."""

    def __init__(self, rules: Rules, context: TitleContext, selection: Selection) -> None:
        self.rules = rules
        self.context = context
        self.checks = [spec for spec in active_checks("title", rules, selection) if spec.gate]
        # A gate that does not read tokens matches the text itself: run on a
        # word alone, it refuses the word once for every row, before the word
        # takes any room. Gates that read tokens need the whole title segmented.
        self.on_words = [spec for spec in self.checks if TOKENS not in spec.reads]

    def on_word(self, text: str) -> list[Finding]:
        return self._run(self.on_words, text)

    def on_title(self, text: str) -> list[Finding]:
        return self._run(self.checks, text)

    def refuses_tokens(self) -> bool:
        """Whether a gate that reads tokens can refuse a word (at warning or above).

        Only then does the composer leave out words that repeat one another
        before placing them; a store that turns the repetition check off, or
        down to info, keeps them, as ``lint-titles`` does.
        """
        return any(TOKENS in spec.reads and refusing([self._most(spec)]) for spec in self.checks)

    def _most(self, spec: CheckSpec) -> Finding:
        # A hit that names no rule key and no severity of its own is stamped at
        # the most this check can give under these rules.
        return stamp(spec, Hit(""), _COMPOSED, self.rules)

    def _run(self, checks: list[CheckSpec], text: str) -> list[Finding]:
        # Beyond the cap the linter runs only the length check, which no
        # composed title needs: the two agree by running no gate either.
        if not checks or len(text) > MAX_TITLE_CHARS:
            return []
        subject = TitleSubject(text, self.context)
        found = [
            stamp(spec, hit, _COMPOSED, self.rules)
            for spec in checks
            for hit in spec.run(subject, self.rules)
        ]
        return sorted(found, key=Finding.sort_key)
