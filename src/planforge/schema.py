"""The plan's JSON Schema: where it lives, and checking a loaded plan against it.

Every jsonschema error is turned into a :class:`Diagnostic` at the line and column
of the offending value (for a missing key, the block that lacks it), in words a
planner understands. Numbers are Decimals, so the validator's type checks are
taught that a finite Decimal is a number (and an integral one an integer).
"""

from __future__ import annotations

import difflib
import functools
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path as FsPath
from typing import Any

from planforge.dates import parse_date, real_date, why_not_a_date
from planforge.diagnostics import Diagnostic, Severity
from planforge.loader import Document
from planforge.money import CURRENCY_ALIASES
from planforge.scalars import is_number
from planforge.source import Path, format_path

SCHEMA_NAME = "plan.schema.json"


def schema_path() -> FsPath:
    """The schema file: inside the installed package, or ``schemas/`` in a source checkout."""
    here = FsPath(__file__).resolve().parent
    packaged = here / "schemas" / SCHEMA_NAME
    return packaged if packaged.is_file() else here.parents[1] / "schemas" / SCHEMA_NAME


@functools.lru_cache(maxsize=1)
def schema_text() -> str:
    """The schema as published (``planforge schema`` prints this)."""
    return schema_path().read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The parsed schema."""
    return json.loads(schema_text())


@functools.lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema import Draft7Validator, FormatChecker, validators

    def is_integer(_checker: Any, value: Any) -> bool:
        return is_number(value) and Decimal(value) == Decimal(value).to_integral_value()

    type_checker = Draft7Validator.TYPE_CHECKER.redefine_many(
        {"number": lambda _c, v: is_number(v), "integer": is_integer}
    )
    formats = FormatChecker(formats=())
    formats.checks("date")(lambda v: not isinstance(v, str) or parse_date(v) is not None)
    cls = validators.extend(
        Draft7Validator, {"uniqueItems": _unique_items}, type_checker=type_checker
    )
    return cls(_inline_refs(schema()), format_checker=formats)


def _unique_items(_validator: Any, unique: bool, instance: Any, _schema: Any) -> Iterator[Any]:
    """``uniqueItems`` in linear time (jsonschema's falls back to comparing every pair when
    a list mixes numbers and text: 10,000 items took 18 s)."""
    from jsonschema import ValidationError

    if not unique or not isinstance(instance, list):
        return
    seen: set[Any] = set()
    for item in instance:
        key = _hashable(item)
        if key in seen:
            yield ValidationError(f"{instance!r:.200} has non-unique elements")
            return
        seen.add(key)


def _hashable(value: Any) -> Any:
    """A key equal for values JSON Schema calls equal (1 == 1.0, but true != 1)."""
    if isinstance(value, bool) or value is None:
        return ("b", value)
    if isinstance(value, (int, Decimal)):
        return ("n", Decimal(value).normalize() if Decimal(value).is_finite() else str(value))
    if isinstance(value, str):
        return ("s", value)
    if isinstance(value, list):
        return ("l", tuple(_hashable(v) for v in value))
    if isinstance(value, dict):
        return ("d", frozenset((k, _hashable(v)) for k, v in value.items()))
    return ("o", repr(value))


def _inline_refs(node: Any, definitions: dict[str, Any] | None = None) -> Any:
    """The schema with every local ``$ref`` replaced by its definition.

    Draft-07 ignores a ``$ref``'s sibling keywords (they are there for editors), so
    the result validates exactly as the original; it skips jsonschema's reference
    lookups, which cost a third of the time on a large plan. The plan schema is not
    recursive, so this terminates.
    """
    if definitions is None:
        definitions = node.get("definitions", {})
        node = {k: v for k, v in node.items() if k != "definitions"}
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/definitions/"):
            return _inline_refs(definitions[ref.rsplit("/", 1)[1]], definitions)
        return {k: _inline_refs(v, definitions) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline_refs(v, definitions) for v in node]
    return node


def check_schema(doc: Document) -> list[Diagnostic]:
    """Schema diagnostics for a loaded document (whose ``data`` is not None)."""
    out: dict[tuple[str, int, int, str], Diagnostic] = {}
    for error in _validator().iter_errors(doc.data):
        for code, path, message, at_key in _explain(error):
            loc = doc.source.key(path) if at_key else doc.source.value(path)
            diag = Diagnostic(code, Severity.ERROR, message, doc.path, loc)
            out.setdefault((code, loc.line, loc.col, message), diag)
    # A malformed date breaks both its pattern and its format: say it once, as a date.
    dates = {(d.line, d.col) for d in out.values() if d.code in ("PF105", "PF107")}
    return [d for d in out.values() if not (d.code == "PF104" and (d.line, d.col) in dates)]


# -- turning jsonschema errors into planner-readable messages ------------------------------


def _show(value: Any) -> str:
    if value is None:
        return "nothing (the value is empty)"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, Decimal):
        return {"NaN": "`.nan`", "Infinity": "`.inf`", "-Infinity": "`-.inf`"}.get(
            str(value), f"`{value}`"
        )
    if isinstance(value, str):
        short = value if len(value) <= 40 else value[:37] + "..."
        return f"`{short}`"
    if isinstance(value, list):
        return "a list"
    return "a block of keys"


_KINDS = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "array": "a list",
    "object": "a block of `key: value` lines",
    "boolean": "true or false",
}


def _field(path: Path) -> str:
    return f"`{format_path(path)}`"


def _title(schema: dict[str, Any], fallback: str) -> str:
    return schema.get("title", fallback)


def _explain(error: Any) -> Iterator[tuple[str, Path, str, bool]]:
    """(code, path, message, point-at-key) for one jsonschema error."""
    path: Path = tuple(error.absolute_path)
    value = error.instance
    kind = error.validator
    where = _field(path)
    if kind == "required":
        props = error.schema.get("properties", {})
        for key in error.validator_value:
            if isinstance(value, dict) and key not in value:
                about = props.get(key, {}).get("description", "")
                hint = f" ({about})" if about else ""
                yield "PF101", path, f"{where} is missing `{key}`{hint}", False
        return
    if kind == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        for key in value:
            if key in allowed:
                continue
            close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
            hint = (
                f"; did you mean `{close[0]}`?"
                if close
                else f"; the keys allowed here are: {', '.join(allowed)}"
            )
            yield "PF102", (*path, key), f"unknown key `{key}` in {where}{hint}", True
        return
    if kind == "type":
        message = _type_message(where, value, error.validator_value, error.schema.get("title"))
        yield "PF103", path, message, False
        return
    if "propertyNames" in error.relative_schema_path:
        name = value if isinstance(value, str) else str(value)
        message = (
            f"`{name}` is not a valid name in {where}: use lowercase letters, digits and"
            " underscores, e.g. `participants`"
        )
        yield "PF104", (*path, name), message, True
        return
    if kind == "format" and isinstance(value, str):
        code = "PF107" if real_date(value) else "PF105"
        yield code, path, f"{where}: {why_not_a_date(value)}", False
        return
    yield "PF104", *_value_message(error, path, where, value)


def _type_message(where: str, value: Any, expected: str | list[str], title: str | None) -> str:
    wanted = " or ".join(
        _KINDS.get(t, t) for t in ([expected] if isinstance(expected, str) else expected)
    )
    got = _show(value)
    hint = ""
    if isinstance(value, Decimal) and not value.is_finite():
        hint = "; planforge needs a real amount"
    elif isinstance(value, str) and "number" in wanted:
        cleaned = value.replace(",", "").replace("，", "").lstrip("¥$€£ ")
        if is_number(_try_decimal(cleaned)):
            hint = f"; write it without separators or currency signs: {cleaned}"
    elif title == "Percentage" and is_number(value):
        hint = f"; write it with a percent sign: {value}%"
    elif title == "Target" and is_number(value):
        hint = f'; write the comparison in quotes, e.g. ">= {value}"'
    elif wanted == "text" and isinstance(value, (Decimal, bool)):
        hint = (
            f'; put it in quotes: "{value if not isinstance(value, bool) else str(value).lower()}"'
        )
    return f"{where} should be {wanted}, not {got}{hint}"


def _try_decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except ArithmeticError:
        return None


def _value_message(error: Any, path: Path, where: str, value: Any) -> tuple[Path, str, bool]:
    kind, rule, schema_ = error.validator, error.validator_value, error.schema
    got = _show(value)
    if kind == "enum":
        options = [str(o) for o in rule]
        close = difflib.get_close_matches(str(value), options, n=1, cutoff=0.5)
        alias = CURRENCY_ALIASES.get(str(value).strip().upper())
        if alias in options:
            close = [alias]
        if len(options) > 12:
            about = schema_.get("description", "").rstrip(".")
            msg = f"{where}: {got} is not an allowed value ({about})"
        else:
            msg = f"{where} must be one of {', '.join(options)}, not {got}"
        return path, msg + (f"; did you mean `{close[0]}`?" if close else ""), False
    if kind == "const":
        return path, f"{where} must be {rule}, not {got}", False
    if kind == "pattern":
        about = schema_.get("description", "")
        return (
            path,
            f"{where}: {got} is not a valid {_title(schema_, 'value').lower()}. {about}",
            False,
        )
    if kind in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        words = {
            "minimum": "at least",
            "exclusiveMinimum": "more than",
            "maximum": "at most",
            "exclusiveMaximum": "less than",
        }[kind]
        return path, f"{where} must be {words} {rule}, not {got}", False
    if kind == "minItems":
        return path, f"{where} needs at least {rule} entr{'y' if rule == 1 else 'ies'}", False
    if kind == "uniqueItems":
        seen: set[str] = set()
        dup = next((v for v in value if str(v) in seen or seen.add(str(v))), "?")
        return path, f"{where} lists `{dup}` more than once", False
    if kind == "minLength":
        return path, f"{where} is empty; write something or remove the key", False
    if kind == "maxLength":
        return path, f"{where} is too long (at most {rule} characters)", False
    if kind == "oneOf":
        return (
            path,
            f"{where} should be a number such as 4.3 or a percentage such as 65%, not {got}",
            False,
        )
    return path, f"{where}: {error.message}", False
