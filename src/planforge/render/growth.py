"""How much text a template's call would build, measured before the call runs.

The sandbox refuses ``"x" * n`` past :data:`MAX_BUILD` items. The same bound holds for
every other way a template can make a large text out of a small one: the widths of
``ljust``, ``rjust``, ``center`` and ``zfill``, ``expandtabs``, ``replace``, ``join`` and
``translate`` (on text and bytes); the widths and precisions of ``str.format``,
``format_map``, ``%`` and the ``format`` filter; and the filters ``center``, ``indent``,
``wordwrap``, ``replace``, ``join``, ``batch``, ``slice``, ``tojson`` and ``urlize``, and
``lipsum()``. Each is measured from its arguments, so nothing large is ever allocated.
"""

from __future__ import annotations

import functools
import json
import re
import string
from collections.abc import Callable, Mapping
from typing import Any

from jinja2.sandbox import SecurityError

#: Items (characters, bytes, list entries) one template operation may build.
MAX_BUILD = 1_000_000
#: Text and bytes methods that can build more than they are given.
GROWING_METHODS = frozenset(
    {"ljust", "rjust", "center", "zfill", "expandtabs", "replace", "join", "translate"}
)
_SPEC = re.compile(r"(?:.?[<>=^])?[-+ ]?z?#?0?(\d*)[,_]?(?:\.(\d+))?")
_PRINTF = re.compile(r"%(\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?(.)", re.DOTALL)


def check(size: int, what: str) -> None:
    """Refuse (as the sandbox does) an operation that would build over :data:`MAX_BUILD`."""
    if size > MAX_BUILD:
        raise SecurityError(f"{what} may not build text or lists over {MAX_BUILD:,} items")


def _count(value: object) -> int:
    """A width or count argument as a number (0 when it is not an integer)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _digits(text: str | None) -> int:
    """A width written in a format, read without converting a huge one."""
    if not text:
        return 0
    return int(text) if len(text) <= 9 else MAX_BUILD + 1


def repeat_size(left: Any, right: Any) -> int:
    """The length ``left * right`` would have when it repeats a sequence, else 0."""
    for seq, n in ((left, right), (right, left)):
        if isinstance(seq, (str, bytes, list, tuple)) and isinstance(n, int):
            return len(seq) * n
    return 0


def method_size(obj: str | bytes, name: str, args: tuple, kwargs: Mapping[str, Any]) -> int:
    """What ``obj.<name>(*args, **kwargs)`` would build (``join``: ``args[0]`` a list)."""
    first = args[0] if args else None
    if name in ("ljust", "rjust", "center", "zfill"):
        return _count(kwargs.get("width", first))
    if name == "expandtabs":
        tabs = obj.count("\t" if isinstance(obj, str) else b"\t")  # type: ignore[arg-type]
        return len(obj) + tabs * _count(kwargs.get("tabsize", 8 if first is None else first))
    if name == "replace" and len(args) >= 2 and isinstance(args[0], type(obj)):
        old, new = args[0], args[1]
        hits = obj.count(old) if old else len(obj) + 1  # type: ignore[arg-type]
        limit = args[2] if len(args) > 2 else kwargs.get("count", -1)
        hits = min(hits, limit) if isinstance(limit, int) and limit >= 0 else hits
        return len(obj) + hits * max(len(new) - len(old), 0) if hasattr(new, "__len__") else 0
    if name == "join" and isinstance(first, list):
        parts = sum(len(x) for x in first if isinstance(x, (str, bytes)))
        return parts + len(obj) * max(len(first) - 1, 0)
    if name == "translate" and isinstance(first, Mapping):
        longest = max((len(v) for v in first.values() if isinstance(v, (str, bytes))), default=1)
        return len(obj) * max(longest, 1)
    return 0


def spec_size(spec: str) -> int:
    """The width or precision a ``str.format`` field spec asks for (``>1000`` -> 1000)."""
    m = _SPEC.match(spec)
    return max(_digits(m.group(1)), _digits(m.group(2))) if m else 0


def format_size(env: Any, fmt: str, args: tuple, kwargs: Mapping[str, Any]) -> int:
    """The largest width or precision in ``fmt.format(*args, **kwargs)``, nested specs
    (``{:{w}}``) filled in the way ``str.format`` fills them."""
    from jinja2.sandbox import SandboxedFormatter

    biggest = 0
    for _literal, field, spec, _conversion in string.Formatter().parse(fmt):
        if field is None or not spec:
            continue
        if "{" in spec:
            spec = SandboxedFormatter(env).vformat(spec, args, kwargs)
        biggest = max(biggest, spec_size(spec))
    return biggest


def printf_size(fmt: str | bytes, values: Any) -> int:
    """The largest width or precision in ``fmt % values`` (``%*s`` takes it from values)."""
    text = fmt.decode("latin-1") if isinstance(fmt, bytes) else fmt
    args = list(values) if isinstance(values, tuple) else [values]
    biggest = position = 0
    for m in _PRINTF.finditer(text):
        for written in (m.group(2), m.group(3)):
            if written == "*":
                biggest = max(biggest, _count(args[position] if position < len(args) else 0))
                position += 1
            else:
                biggest = max(biggest, _digits(written))
        if m.group(4) != "%" and m.group(1) is None:
            position += 1
    return biggest


def bounded_method(env: Any, method: Any, call: Callable[..., Any]) -> Callable[..., Any] | None:
    """``call`` (``method`` of a text or bytes value, or the sandbox's wrapper of it) with
    ``method``'s result measured before each call; None when it cannot build more than it
    is given."""
    obj, name = getattr(method, "__self__", None), getattr(method, "__name__", "")
    if not isinstance(obj, (str, bytes, bytearray)):
        return None
    if name in ("format", "format_map") and isinstance(obj, str):

        def formatted(*args: Any, **kwargs: Any) -> Any:
            if name == "format_map" and len(args) == 1 and isinstance(args[0], Mapping):
                check(format_size(env, obj, (), args[0]), "a format width")
            else:
                check(format_size(env, obj, args, kwargs), "a format width")
            return call(*args, **kwargs)

        return formatted
    if name not in GROWING_METHODS:
        return None

    def measured(*args: Any, **kwargs: Any) -> Any:
        if name == "join" and args:
            args = (list(args[0]), *args[1:])
        check(method_size(obj, name, args, kwargs), f"`{name}`")  # type: ignore[arg-type]
        return call(*args, **kwargs)

    return measured


def _indent_size(s: Any, width: Any = 4, *_args: Any, **_kwargs: Any) -> int:
    unit = len(width) if isinstance(width, str) else _count(width)
    text = str(s)
    return len(text) + (text.count("\n") + 1) * unit


def _join_size(value: list, d: Any = "", attribute: Any = None) -> int:
    items = sum(len(x) for x in value if isinstance(x, str)) if attribute is None else 0
    return items + len(str(d)) * max(len(value) - 1, 0)


def _json_size(value: Any, indent: Any = None, **_kwargs: Any) -> int:
    unit = len(indent) if isinstance(indent, str) else _count(indent)
    return len(json.dumps(value, indent=1, default=str)) * unit if unit else 0


#: Filter -> what it would build from its arguments (after the value's own context).
_FILTER_SIZES: dict[str, Callable[..., int]] = {
    "center": lambda value, width=80, *a, **k: _count(width),
    "format": lambda value, *args, **kwargs: printf_size(str(value), kwargs or tuple(args)),
    "indent": _indent_size,
    "wordwrap": lambda s, width=79, brk=True, wrapstring=None, *a, **k: (
        len(str(s)) * (1 + len(str(wrapstring or "\n")))
    ),
    "replace": lambda s, old="", new="", count=None, *a, **k: method_size(
        str(s), "replace", (str(old), str(new), -1 if count is None else count), {}
    ),
    "batch": lambda value, linecount=0, *a, **k: _count(linecount),
    "slice": lambda value, slices=0, *a, **k: _count(slices),
    "join": _join_size,
    "tojson": _json_size,
    "urlize": lambda value, *a, **k: (
        len(str(value)) * (1 + sum(len(str(x)) for x in (*a, *k.values()) if isinstance(x, str)))
    ),
}


def _bounded_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    size = _FILTER_SIZES[name]
    takes_context = getattr(func, "jinja_pass_arg", None) is not None  # environment, eval ctx

    @functools.wraps(func)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        lead, own = (args[:1], args[1:]) if takes_context else ((), args)
        if name == "join" and own:
            own = (list(own[0]), *own[1:])  # measured and joined: the same items
        check(size(*own, **kwargs), f"the `{name}` filter")
        return func(*lead, *own, **kwargs)

    return bounded


def bounded_filters(filters: Mapping[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    """The filters among ``filters`` that can build large text, each measured before it runs."""
    return {name: _bounded_filter(name, filters[name]) for name in _FILTER_SIZES if name in filters}


def bounded_lipsum(lipsum: Callable[..., Any]) -> Callable[..., Any]:
    """``lipsum(n, html, min, max)`` refused past :data:`MAX_BUILD` characters."""

    @functools.wraps(lipsum)
    def bounded(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> Any:
        check(_count(n) * (_count(max) + 1) * 16, "`lipsum`")
        return lipsum(n, html, min, max)

    return bounded
