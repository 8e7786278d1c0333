"""Schema validation's fast path: jsonschema-rs says whether a plan is valid at all.

Most plans are valid, and for them the schema check has nothing to say. jsonschema-rs
(a compiled validator) answers that question about 150 times faster than Python's
``jsonschema``, whose import alone costs about 50 ms. So :func:`accepts` asks it
first; only a plan it does not accept goes through ``jsonschema``, which finds and
explains each error (:mod:`planforge.schema`), so messages stay exactly as they were.

``accepts`` must never say yes where ``jsonschema`` would find an error. Three things
make the two judge alike:

* plan data is walked first: only text, true/false, empty values, lists, blocks with
  text keys and numbers within planforge's bounds (finite, below 10^15, at most 10
  decimals) go to jsonschema-rs, which compares such decimals exactly; anything else
  (``.nan``, an out-of-bounds number the loader did not make, a foreign object) is
  left to ``jsonschema``;
* a ``pattern`` becomes a custom format that runs Python's ``re.search``, as
  ``jsonschema`` does (Rust's ``$`` does not match before a final newline, and its
  ``\\s`` is not Python's);
* the ``date`` format is :func:`planforge.dates.parse_date`, as in the slow path.

When jsonschema-rs is missing or cannot read a value, the answer is "not accepted":
the slow path then decides, as before.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from planforge.bounds import number_problem
from planforge.dates import parse_date

_PATTERN_FORMAT = "planforge-pattern-{}"
_DATA = ("enum", "const", "default", "examples")
_NAMED = ("properties", "definitions", "patternProperties")


def accepts(data: Any, schema_text: str) -> bool:
    """True when ``data`` certainly satisfies the schema; False: ask ``jsonschema``."""
    if not judgeable(data):
        return False
    validator = _validator(schema_text)
    if validator is None:
        return False
    try:
        return bool(validator.is_valid(data))
    except (ValueError, TypeError, OverflowError):  # a value jsonschema-rs cannot read
        return False


def judgeable(data: Any) -> bool:
    """Whether every value is one jsonschema-rs judges exactly as ``jsonschema`` does."""
    stack = [data]
    pop, push = stack.pop, stack.append
    while stack:
        value = pop()
        kind = type(value)
        if kind is str or kind is bool or value is None:
            continue
        if kind is dict:
            for key, item in value.items():
                if type(key) is not str:
                    return False
                push(item)
        elif kind is list:
            stack.extend(value)
        elif kind is Decimal:
            if not value.is_finite() or number_problem(value) is not None:
                return False
        elif kind is int:
            if number_problem(Decimal(value)) is not None:
                return False
        else:
            return False
    return True


@functools.lru_cache(maxsize=2)
def _validator(schema_text: str) -> Any:
    """The compiled schema, or None without jsonschema-rs."""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - a core dependency; the slow path still works
        return None
    formats: dict[str, Callable[[str], bool]] = {"date": _is_date}
    schema = _patterns_as_formats(json.loads(schema_text), formats)
    return jsonschema_rs.Draft7Validator(schema, formats=formats, validate_formats=True)


def _is_date(text: str) -> bool:
    return parse_date(text) is not None


def _patterns_as_formats(node: Any, formats: dict[str, Callable[[str], bool]]) -> Any:
    """The schema with each ``pattern`` checked by a custom format running Python's ``re``
    (inside an ``allOf`` where the subschema has a format of its own)."""
    if isinstance(node, list):
        return [_patterns_as_formats(item, formats) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _DATA:
            out[key] = value
        elif key in _NAMED and isinstance(value, dict):  # names, not keywords
            out[key] = {name: _patterns_as_formats(sub, formats) for name, sub in value.items()}
        elif key != "pattern":
            out[key] = _patterns_as_formats(value, formats)
    pattern = node.get("pattern")
    if isinstance(pattern, str):
        name = _PATTERN_FORMAT.format(len(formats))
        search = re.compile(pattern).search
        formats[name] = lambda text, search=search: search(text) is not None
        check = {"format": name}
        if "format" in out:
            out["allOf"] = [*out.get("allOf", []), check]
        else:
            out.update(check)
    return out
