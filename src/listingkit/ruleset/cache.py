"""Validated rules kept in the user's cache folder as plain data.

Reading a rule file means TOML, its ``extends`` chain, the word lists it
names and the pydantic schema: most of an image run's start-up when the run
itself is short. So the rules an image run validated are written to
``<cache>/listingkit/rules/`` as JSON, and the next run reads them back
without importing pydantic or a TOML parser.

An entry is used only when it was written by this listingkit (version and
rule-set code) for the same rule file named the same way from the same
folder, and every file the load depended on still has the content it had:
the files of the ``extends`` chain, the word lists and files the rules name,
and every shipped platform file (aliases and ``extends = "淘宝"`` are resolved
against them). Contents are compared by hash, never by modification time, so
a file rewritten in place with the same size and an old mtime is read again.

An entry that is missing, unreadable, truncated, of another shape or
written by another version is passed over without a word and written anew; a
cache folder that cannot be written (read-only, no home folder) only means
the files are read every time. Entries are replaced whole (a temporary file
renamed over the old one), so two runs at once leave one valid entry.
``LISTINGKIT_NO_CACHE=1`` (what ``--no-cache`` sets) turns the cache off;
``rules show`` and ``rules validate`` always read the files.

The rules read back are a :class:`~listingkit.ruleset.rules.Rules` like any
other, but their ``model`` is a :class:`PlainTable`: the validated values,
read-only, with the attributes and properties of the schema's tables. A
method the view does not have (or anything else it was not written with)
builds the pydantic model from the same values first, so the answer is
always the schema's own.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from listingkit._version import __version__
from listingkit.cache.store import content_hash
from listingkit.ruleset.locate import Origin
from listingkit.ruleset.rules import Rules
from listingkit.shipped import rules_dir

if TYPE_CHECKING:
    from listingkit.ruleset.models import PlatformRules

__all__ = ["FORMAT", "PlainTable", "cached_rules", "disabled", "folder"]

#: The shape of an entry; raised when it changes so older entries are passed over.
FORMAT = 1
#: Where the schema's tables are defined: the only module an entry may name.
_SCHEMA_MODULE = "listingkit.ruleset.models"
#: Read at most this much of a file being compared (a rule file or word list is far smaller).
_MAX_DEPENDENCY_BYTES = 64 << 20
#: File times come from a coarse clock, and some file systems keep them to 2 s.
_CLOCK_SLACK_NS = 2_000_000_000


def disabled() -> bool:
    """True when ``LISTINGKIT_NO_CACHE`` is set to a true value (``--no-cache`` sets it too)."""
    from listingkit.cache.store import cache_enabled

    return not cache_enabled()


def folder() -> Path | None:
    """``<cache>/listingkit/rules``, or None when there is no cache folder to be had."""
    from listingkit.cache.store import cache_folder

    try:
        return cache_folder() / "rules"
    except (RuntimeError, KeyError, OSError):  # no HOME and no password entry
        return None


def cached_rules(path: Path, read: Callable[[Path], Rules]) -> Rules:
    """The rules of ``path`` from the cache when nothing changed, else ``read(path)`` (kept)."""
    where = None if disabled() else folder()
    if where is None:
        return read(path)
    entry = where / f"{_entry_name(path)}.json"
    found = _read_entry(entry)
    if found is not None:
        return found
    started = time.time_ns()
    rules = read(path)
    depends = _hashes(rules)
    if depends is not None and _changed_since(depends, started - _CLOCK_SLACK_NS):
        # A file changed around the read: what was read may not be what was hashed.
        # Read again; keep the rules only if nothing moved in between.
        rules = read(path)
        again = _hashes(rules)
        depends = again if again == depends else None
    if depends is not None:
        _write_entry(entry, rules, depends)
    return rules


# -- the key -----------------------------------------------------------------


def _entry_name(path: Path) -> str:
    """One entry per rule file as named, from where it is named (messages show it so)."""
    try:
        here = os.getcwd()
    except OSError:
        here = ""
    named = [FORMAT, __version__, os.fspath(path), here, os.fspath(rules_dir())]
    text = json.dumps(named, ensure_ascii=False).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(text, digest_size=16).hexdigest()


def _code_stamp() -> list[list[Any]]:
    """Size and mtime of the rule-set code: an edited schema (same version) is a new key."""
    stamp: list[list[Any]] = []
    with contextlib.suppress(OSError), os.scandir(Path(__file__).parent) as listing:
        for item in listing:
            if item.name.endswith(".py"):
                info = item.stat()
                stamp.append([item.name, info.st_size, info.st_mtime_ns])
    return sorted(stamp)


def _shipped() -> list[str]:
    return sorted(os.fspath(p) for p in rules_dir().glob("*.toml"))


def _digest(path: str) -> str | None:
    """The content hash of a regular file; None when it is not one or cannot be read.

    Opened without blocking (a FIFO put where a word list was must not hang).
    """
    content = content_hash(path, max_bytes=_MAX_DEPENDENCY_BYTES)
    return None if content is None else content[1]


def _dependencies(rules: Rules) -> list[str]:
    """Every file the rules were built from or checked: chain, word lists, named files."""
    model: Any = rules.model
    named = [model.naming.products] if model.naming.products else []
    files = [*map(os.fspath, rules.paths), *model.title.word_lists, *named, *_shipped()]
    return list(dict.fromkeys(files))


def _hashes(rules: Rules) -> list[list[str]] | None:
    """[file, content hash] of every dependency; None when one cannot be hashed."""
    try:
        names = _dependencies(rules)
    except (TypeError, ValueError, AttributeError):
        return None
    depends = []
    for name in names:
        digest = _digest(name)
        if digest is None:
            return None  # a file that cannot be hashed cannot prove an entry fresh later
        depends.append([name, digest])
    return depends


def _changed_since(depends: list[list[str]], moment_ns: int) -> bool:
    """Whether any file was changed (or replaced) at or after ``moment_ns``.

    The change time, unlike the modification time, cannot be set back.
    """
    for name, _ in depends:
        try:
            if os.stat(name).st_ctime_ns >= moment_ns:
                return True
        except OSError:
            return True
    return False


def _payload_digest(payload: Any) -> str:
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


# -- writing -----------------------------------------------------------------


def _write_entry(entry: Path, rules: Rules, depends: list[list[str]]) -> None:
    """Keep ``rules`` (read from files with these hashes) at ``entry``; silently."""
    from listingkit.cache.store import write_json

    try:
        payload = {
            "model": _tree(rules.model),
            "files": list(rules.files),
            "provenance": [[list(k), o.file, o.line] for k, o in rules.provenance.items()],
            "grade_caps": dict(rules.grade_caps),
            "paths": [os.fspath(p) for p in rules.paths],
        }
        document = {
            "format": FORMAT,
            "version": __version__,
            "code": _code_stamp(),
            "shipped": _shipped(),
            "depends": depends,
            "digest": _payload_digest(payload),
            "rules": payload,
        }
    except Exception:  # a value the cache cannot keep means no entry, never a failed run
        return
    write_json(entry, document)


def _tree(value: Any) -> Any:
    """A validated value as JSON: tables tagged with their class, dicts and sets wrapped."""
    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        kind = type(value)
        fact_fields = getattr(kind, "fact_fields", None)
        return {
            "table": kind.__name__,
            "facts": list(fact_fields()) if fact_fields is not None else None,
            "fields": {name: _tree(getattr(value, name)) for name in type(value).model_fields},
            "properties": {name: _tree(getattr(value, name)) for name in _properties(kind)},
        }
    if isinstance(value, dict):
        return {"dict": {str(k): _tree(v) for k, v in value.items()}}
    if isinstance(value, (set, frozenset)):
        return {"set": sorted(_tree(v) for v in value)}
    if isinstance(value, list):
        return [_tree(v) for v in value]
    if value is None or isinstance(value, (str, int, float)):
        return value
    raise TypeError(f"cannot keep a {type(value).__name__} in the rules cache")


def _properties(kind: type) -> Iterator[str]:
    """The schema's own read-only properties of a table (a watermark's ``roles``)."""
    seen: set[str] = set()
    for base in kind.__mro__:
        if not base.__module__.startswith("listingkit."):
            continue
        for name, member in vars(base).items():
            if isinstance(member, property) and not name.startswith("_") and name not in seen:
                seen.add(name)
                yield name


# -- reading -----------------------------------------------------------------


def _read_entry(entry: Path) -> Rules | None:
    """The rules kept at ``entry`` when every check passes; None otherwise."""
    from listingkit.cache.store import read_json

    document = read_json(entry)
    try:
        if (
            not isinstance(document, dict)
            or document.get("format") != FORMAT
            or document.get("version") != __version__
            or document.get("code") != _code_stamp()
            or document.get("shipped") != _shipped()
        ):
            return None
        for name, digest in document["depends"]:
            if not isinstance(name, str) or digest is None or _digest(name) != digest:
                return None
        payload = document["rules"]
        if document.get("digest") != _payload_digest(payload):
            return None
        return _rules(payload)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError):
        return None


def _rules(payload: dict[str, Any]) -> Rules:
    model = _plain(payload["model"])
    if not isinstance(model, PlainTable):
        raise TypeError("the kept rules are not a table")
    provenance = {
        tuple(_key_part(part) for part in key): Origin(_text(file), _line(line))
        for key, file, line in payload["provenance"]
    }
    caps = payload["grade_caps"]
    if not isinstance(caps, dict):
        raise TypeError("grade caps are not a table")
    return Rules(
        cast("PlatformRules", model),
        tuple(_text(name) for name in payload["files"]),
        provenance,
        {_text(k): _text(v) for k, v in caps.items()},
        tuple(Path(_text(p)) for p in payload["paths"]),
    )


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("expected text")
    return value


def _line(value: Any) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise TypeError("expected a line number")
    return value


def _key_part(value: Any) -> str | int:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise TypeError("expected a key")
    return value


def _plain(node: Any) -> Any:
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if not isinstance(node, dict):
        return node
    if "table" in node:
        return PlainTable(node)
    if "set" in node:
        return {_plain(v) for v in node["set"]}
    items = node["dict"]
    if not isinstance(items, dict):
        raise TypeError("expected a table")
    return {k: _plain(v) for k, v in items.items()}


class PlainTable:
    """One validated table of a rule file as the cache keeps it: read-only values.

    Fields and the schema's properties are plain attributes. ``fact_fields``
    and ``source_of`` answer as the schema's tables do; anything else is
    asked of the pydantic model built (once) from the same values.
    """

    __slots__ = ("__dict__", "_facts", "_kind", "_model", "_tree", "_values")

    _facts: tuple[str, ...]
    _kind: str
    _model: Any
    _tree: dict[str, Any]
    _values: dict[str, Any]

    def __init__(self, tree: dict[str, Any]) -> None:
        kind, facts, fields, properties = (
            tree["table"],
            tree["facts"],
            tree["fields"],
            tree["properties"],
        )
        if not isinstance(kind, str) or not kind.isidentifier() or not isinstance(fields, dict):
            raise TypeError("not a table")
        if not isinstance(properties, dict):
            raise TypeError("not a table")
        setter = object.__setattr__
        setter(self, "_kind", kind)
        setter(self, "_facts", tuple(facts) if facts is not None else ())
        setter(self, "_tree", tree)
        setter(self, "_model", None)
        values = {name: _plain(value) for name, value in fields.items()}
        values.update((name, _plain(value)) for name, value in properties.items())
        setter(self, "_values", values)
        # The values as instance attributes too, so reading one is a plain lookup
        # (checks read them once per file); a name the class has keeps its meaning.
        own = object.__getattribute__(self, "__dict__")
        own.update((name, value) for name, value in values.items() if not hasattr(PlainTable, name))

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        values = object.__getattribute__(self, "_values")
        if name in values:
            return values[name]
        return getattr(self.validated(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{self._kind} is read-only")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{self._kind} is read-only")

    def __repr__(self) -> str:
        return f"{self._kind}(cached)"

    def __reduce__(self) -> tuple[Any, ...]:
        return PlainTable, (self._tree,)

    def fact_fields(self) -> tuple[str, ...]:
        """The fields of this table that are facts (none for a table of settings)."""
        return self._facts

    def source_of(self, field: str) -> str | None:
        """As :meth:`listingkit.ruleset.models.Sourced.source_of`."""
        if not self._facts:
            return cast("str | None", getattr(self.validated(), "source_of")(field))  # noqa: B009
        chosen = self._values["source_for"].get(field, self._values["source"])
        return cast("str | None", chosen)

    def validated(self) -> Any:
        """The pydantic model with these values (built once, without validating again)."""
        if self._model is None:
            object.__setattr__(self, "_model", _model_of(self._tree))
        return self._model


def _model_of(node: Any) -> Any:
    """The schema's own objects for a kept tree (``model_construct``: already validated)."""
    if isinstance(node, list):
        return [_model_of(v) for v in node]
    if not isinstance(node, dict):
        return node
    if "table" in node:
        from pydantic import BaseModel

        kind = getattr(importlib.import_module(_SCHEMA_MODULE), node["table"], None)
        if not (isinstance(kind, type) and issubclass(kind, BaseModel)):
            raise TypeError(f"{node['table']!r} is not a table of the rule-file schema")
        if kind.__module__ != _SCHEMA_MODULE:
            raise TypeError(f"{node['table']!r} is not a table of the rule-file schema")
        fields = {name: _model_of(value) for name, value in node["fields"].items()}
        return kind.model_construct(**fields)
    if "set" in node:
        return {_model_of(v) for v in node["set"]}
    return {k: _model_of(v) for k, v in node["dict"].items()}
