"""Checking a loaded plan against the JSON Schema (:mod:`planforge.schema`): the PF1xx
findings, declared in :mod:`planforge.rules.schema`.

Every jsonschema error is turned into a :class:`Diagnostic` at the line and column
of the offending value (for a missing key, the block that lacks it), in words a
planner understands. Numbers are Decimals, so the validator's type checks are
taught that a finite Decimal is a number (and an integral one an integer).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from planforge import schema_fast
from planforge.bounds import computed, number_problem
from planforge.dates import parse_date, real_date, why_not_a_date
from planforge.diagnostics import Diagnostic, Severity, Suggestion
from planforge.loader import Document
from planforge.messages import Bilingual, msg
from planforge.money import CURRENCY_ALIASES
from planforge.rules.common import close_matches
from planforge.scalars import is_number
from planforge.schema import schema, schema_text
from planforge.source import Path, format_path

__all__ = ["check_schema"]


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
    if schema_fast.accepts(doc.data, schema_text()):
        return []  # valid: jsonschema is not even imported
    out: dict[tuple[str, int, int, str], Diagnostic] = {}
    for error in _validator().iter_errors(doc.data):
        for code, path, message, at_key, suggestion in _explain(error):
            loc = doc.source.key(path) if at_key else doc.source.value(path)
            fix = suggestion.fix(loc) if suggestion else None
            diag = Diagnostic(code, Severity.ERROR, message, doc.path, loc, fix=fix)
            out.setdefault((code, loc.line, loc.col, message), diag)
    # A malformed date breaks both its pattern and its format: say it once, as a date.
    dates = {(d.line, d.col) for d in out.values() if d.code in ("PF105", "PF107")}
    return [d for d in out.values() if not (d.code == "PF104" and (d.line, d.col) in dates)]


# -- turning jsonschema errors into planner-readable messages ------------------------------

Explained = tuple[str, Path, str, bool, "Suggestion | None"]


def _show(value: Any) -> str:
    if value is None:
        return msg("nothing (the value is empty)")
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
        return msg("a list")
    return msg("a block of keys")


_KINDS = {
    "string": msg("text"),
    "number": msg("a number"),
    "integer": msg("a whole number"),
    "array": msg("a list"),
    "object": msg("a block of `key: value` lines"),
    "boolean": msg("true or false"),
    "null": msg("empty (`~`)"),
}

#: What to add for a top-level block that is missing (PF101 on a skeleton plan).
_SKELETON = {
    "planforge": "planforge: 1",
    "id": "id: reactivation-2025q1",
    "title": "title: 老客户唤醒月",
    "locale": "locale: zh-CN",
    "currency": "currency: CNY",
    "owner": "owner: mkt-mgr",
    "status": "status: draft",
    "objective": "objective:\n  statement: 3个月内唤醒20%的沉睡客户\n  kpi: reactivation-rate",
    "scope": "scope:\n  segment: 近12个月未消费的老客户\n  customers: 1200",
    "period": "period:\n  start: 2025-03-03\n  end: 2025-03-31",
    "phases": "phases:\n  - {id: prep, name: 准备, start: 2025-03-03, end: 2025-03-09}",
    "team": "team:\n  - {id: mkt-mgr, name: 张经理, role: 市场经理}",
    "tasks": (
        "tasks:\n  - {id: invite, phase: prep, name: 电话邀约, owner: mkt-mgr,"
        " start: 2025-03-03, end: 2025-03-07}"
    ),
    "budget": "budget:\n  cap: 10000\n  lines:\n    - {category: 礼品费, item: 定制礼盒, amount: 5000}",
    "kpis": 'kpis:\n  - {id: reactivation-rate, name: 唤醒率, target: ">= 20%"}',
}
_GROUP = 3  # this many missing keys in one block are one finding


def _field(path: Path) -> str:
    return f"`{format_path(path)}`" if path else msg("the plan")


def _title(schema: dict[str, Any], fallback: str) -> str:
    return schema.get("title", fallback)


def _explain(error: Any) -> Iterator[Explained]:
    """(code, path, message, point-at-key, suggestion) for one jsonschema error."""
    path: Path = tuple(error.absolute_path)
    value = error.instance
    kind = error.validator
    where = _field(path)
    if kind == "required":
        yield from _missing(error, path, where, value)
        return
    if kind == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        for key in value:
            if key in allowed:
                continue
            close = close_matches(str(key), allowed, 0.6)
            if close:
                message = msg(
                    "unknown key `{key}` in {where}; did you mean `{close}`?",
                    key=key,
                    where=where,
                    close=close[0],
                )
                fix = Suggestion(msg("rename it to `{close}`", close=close[0]), close[0])
            else:
                message = msg("unknown key `{key}` in {where}", key=key, where=where)
                fix = Suggestion(
                    msg("use one of the keys allowed here: {keys}", keys=", ".join(allowed))
                )
            yield "PF102", (*path, key), message, True, fix
        return
    if kind == "type":
        message, fix = _type_message(where, value, error.validator_value, error.schema.get("title"))
        yield "PF103", path, message, False, fix
        return
    if "propertyNames" in error.relative_schema_path:
        name = value if isinstance(value, str) else str(value)
        message = msg(
            "`{name}` is not a valid name in {where}: use lowercase letters, digits and"
            " underscores",
            name=name,
            where=where,
        )
        fixed = re.sub(r"[^a-z0-9_]+", "_", name.lower()).strip("_")
        fix = (
            Suggestion(msg("rename it `{fixed}`", fixed=fixed), fixed)
            if fixed and fixed[0].isalpha()
            else Suggestion(msg("name it like `participants`"))
        )
        yield "PF104", (*path, name), message, True, fix
        return
    if kind == "format" and isinstance(value, str):
        message, fix = why_not_a_date(value)
        code = "PF107" if real_date(value) else "PF105"
        yield code, path, msg("{where}: {why}", where=where, why=message), False, fix
        return
    yield "PF104", *_value_message(error, path, where, value)


def _missing(error: Any, path: Path, where: str, value: Any) -> Iterator[Explained]:
    if not isinstance(value, dict):
        return
    missing = [key for key in error.validator_value if key not in value]
    if len(missing) >= _GROUP:
        lines = "\n".join(_SKELETON.get(k, f"{k}: …") if not path else f"{k}: …" for k in missing)
        yield (
            "PF101",
            path,
            msg(
                "{where} is missing {count} blocks: {keys}",
                where=where,
                count=len(missing),
                keys=", ".join(f"`{k}`" for k in missing),
            ),
            False,
            Suggestion(msg("add them (or start from `planforge init`):\n{lines}", lines=lines)),
        )
        return
    for key in missing:
        message = msg("{where} is missing `{key}`", where=where, key=key)
        line = _SKELETON.get(key, f"{key}: …") if not path else f"{key}: …"
        yield "PF101", path, message, False, Suggestion(msg("add:\n{lines}", lines=line))


_UNITS = {"万": 10000, "千": 1000, "k": 1000, "K": 1000, "w": 10000, "W": 10000}


def _as_number(value: str) -> str | None:
    """``"10,000"``, ``"¥500"``, ``"2万"`` as the plain number a plan wants, or None."""
    cleaned = value.replace(",", "").replace("，", "").strip().lstrip("¥$€£￥ ").rstrip("元 ")
    factor = 1
    if cleaned[-1:] in _UNITS:
        factor, cleaned = _UNITS[cleaned[-1]], cleaned[:-1]
    number = _try_decimal(cleaned)
    if not is_number(number) or number_problem(number) is not None:
        return None  # `1e４００`: no plain number to suggest (PF106 says why)
    result = computed(lambda: number * factor)
    if result is None or number_problem(result) is not None:
        return None
    return format(result.normalize(), "f") if factor != 1 else str(result)


def _type_message(
    where: str, value: Any, expected: str | list[str], title: str | None
) -> tuple[str, Suggestion | None]:
    types = [expected] if isinstance(expected, str) else expected
    kinds = [_KINDS.get(t, t) for t in types]
    wanted = kinds[0]
    for other in kinds[1:]:
        wanted = msg("{a} or {b}", a=wanted, b=other)
    got = _show(value)
    message = msg("{where} should be {wanted}, not {got}", where=where, wanted=wanted, got=got)
    fix: Suggestion | None = None
    if isinstance(value, Decimal) and not value.is_finite():
        fix = Suggestion(msg("write the real amount, e.g. 1000"))
    elif isinstance(value, str) and ("number" in types or "integer" in types):
        number = _as_number(value)
        if number is not None:
            fix = Suggestion(
                msg(
                    "write it as a plain number, without separators, units or currency signs: {number}",
                    number=number,
                ),
                number,
            )
    elif title == "Percentage" and is_number(value):
        fix = Suggestion(msg("write it with a percent sign: {value}%", value=value), f"{value}%")
    elif title == "Target" and is_number(value):
        fix = Suggestion(
            msg('write the comparison in quotes, e.g. ">= {value}"', value=value), f'">= {value}"'
        )
    elif "array" in types and isinstance(value, str):
        items = [p.strip() for p in re.split(r"[、，,；;/]", value) if p.strip()]
        listed = "[" + ", ".join(items) + "]"
        fix = Suggestion(msg("write it as a list: {listed}", listed=listed), listed)
    elif "string" in types and isinstance(value, (Decimal, bool)):
        shown = str(value).lower() if isinstance(value, bool) else str(value)
        fix = Suggestion(msg('put it in quotes: "{value}"', value=shown), f'"{shown}"')
    return message, fix


def _try_decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except ArithmeticError:
        return None


def _value_message(
    error: Any, path: Path, where: str, value: Any
) -> tuple[Path, str, bool, Suggestion | None]:
    kind, rule, schema_ = error.validator, error.validator_value, error.schema
    got = _show(value)
    if kind == "enum":
        options = [str(o) for o in rule]
        close = close_matches(str(value), options, 0.5)
        alias = CURRENCY_ALIASES.get(str(value).strip().upper())
        if alias in options:
            close = [alias]
        upper = str(value).strip().upper()
        if upper in options:
            close = [upper]
        if len(options) > 12:
            message = msg("{where}: {got} is not an allowed value", where=where, got=got)
        else:
            message = msg(
                "{where} must be one of {options}, not {got}",
                where=where,
                options=", ".join(options),
                got=got,
            )
        if close:
            safe = str(value).strip().upper() == close[0]  # only the case differs
            return (
                path,
                message,
                False,
                Suggestion(msg("write `{value}`", value=close[0]), close[0], safe),
            )
        return (
            path,
            message,
            False,
            Suggestion(msg("write one of {options}", options=", ".join(options[:12]))),
        )
    if kind == "const":
        return (
            path,
            msg("{where} must be {rule}, not {got}", where=where, rule=rule, got=got),
            False,
            Suggestion(msg("write `{rule}`", rule=rule), str(rule), False),
        )
    if kind == "pattern":
        about = schema_.get("description", "")
        return (
            path,
            msg(
                "{where}: {got} is not a valid {what}",
                where=where,
                got=got,
                what=Bilingual(_title(schema_, "value").lower(), "取值"),
            ),
            False,
            Suggestion(
                msg("{about}", about=Bilingual(about, schema_.get("x-description-zh")))
                if about
                else msg("compare with the example plan")
            ),
        )
    if kind in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        words = {
            "minimum": msg(
                "{where} must be at least {rule}, not {got}", where=where, rule=rule, got=got
            ),
            "exclusiveMinimum": msg(
                "{where} must be more than {rule}, not {got}", where=where, rule=rule, got=got
            ),
            "maximum": msg(
                "{where} must be at most {rule}, not {got}", where=where, rule=rule, got=got
            ),
            "exclusiveMaximum": msg(
                "{where} must be less than {rule}, not {got}", where=where, rule=rule, got=got
            ),
        }[kind]
        return path, words, False, Suggestion(msg("check the number: is a sign or a digit wrong?"))
    if kind == "minItems":
        return (
            path,
            msg("{where} needs at least {rule} entries", where=where, rule=rule),
            False,
            Suggestion(msg("add an entry, or remove the key")),
        )
    if kind == "uniqueItems":
        seen: set[str] = set()
        dup = next((v for v in value if str(v) in seen or seen.add(str(v))), "?")
        return (
            path,
            msg("{where} lists `{dup}` more than once", where=where, dup=dup),
            False,
            Suggestion(msg("remove the second `{dup}`", dup=dup)),
        )
    if kind == "minLength":
        return (
            path,
            msg("{where} is empty", where=where),
            False,
            Suggestion(msg("write something or remove the key")),
        )
    if kind == "maxLength":
        return (
            path,
            msg("{where} is too long (at most {rule} characters)", where=where, rule=rule),
            False,
            Suggestion(msg("shorten it to {rule} characters", rule=rule)),
        )
    if kind == "oneOf":
        return (
            path,
            msg(
                "{where} should be a number such as 4.3 or a percentage such as 65%, not {got}",
                where=where,
                got=got,
            ),
            False,
            Suggestion(msg("write it like 4.3 or 65%")),
        )
    return path, msg("{where}: {error}", where=where, error=error.message), False, None
