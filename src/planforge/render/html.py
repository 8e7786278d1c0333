"""Fill the Jinja2 templates: autoescaped, strict, and confined to their folders."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import jinja2.ext
from jinja2.lexer import Token, TokenStream
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup

from planforge.render import growth
from planforge.render.assets import inline_assets
from planforge.resources import templates

TEMPLATE = "plan.html.j2"


def builtin_templates() -> Path:
    """The templates shipped with planforge (in the wheel, or ``templates/`` in a checkout)."""
    return templates()


class TemplateProblem(RuntimeError):
    """A company template is missing, malformed, unsafe or reaches outside its folder."""


class ConfinedLoader(jinja2.BaseLoader):
    """Load templates from one folder, refusing anything that resolves outside it.

    The check happens on the resolved path *before* the file is opened, so a symlink
    pointing at ``/etc/passwd`` is never read. Only regular files are loaded.
    """

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.root = os.path.realpath(folder)

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        pieces = jinja2.loaders.split_template_path(template)  # refuses ".." pieces
        filename = os.path.join(self.folder, *pieces)
        real = os.path.realpath(filename)
        if not os.path.lexists(filename):
            raise jinja2.TemplateNotFound(template)
        if real != self.root and not real.startswith(self.root + os.sep):
            # Not TemplateNotFound: the loader chain must not fall back silently.
            raise TemplateProblem(f"{filename} resolves outside the template folder")
        if not os.path.isfile(real):
            raise TemplateProblem(f"{filename} is not a regular file")
        with open(real, "rb") as fh:
            source = fh.read().decode("utf-8", errors="replace")
        mtime = os.path.getmtime(real)
        return source, filename, lambda: os.path.getmtime(real) == mtime


class PlanSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox: no private or internal attributes, no mutation of
    the context, no unsafe callables. A company's template folder can restyle and
    restructure the document but cannot run code or read files."""

    intercepted_binops = frozenset({"**", "*", "%"})

    def unsafe_undefined(self, obj: Any, attribute: str) -> Any:
        """Refuse at once: Jinja would return an Undefined that only fails when printed,
        which ``map(attribute=...)`` or ``|list`` can turn into harmless-looking text."""
        raise SecurityError(f"access to `{attribute}` of {type(obj).__name__} is not allowed")

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and not (isinstance(right, int) and abs(right) <= 64):
            raise SecurityError("`**` is limited to small integer powers in templates")
        if operator == "*":
            growth.check(growth.repeat_size(left, right), "`*`")
        if operator == "%" and isinstance(left, (str, bytes)):
            growth.check(growth.printf_size(left, right), "a `%` format width")
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value: Any) -> Any:
        """Text methods that can build large text (``ljust``, ``format``...) measured first
        (see :mod:`planforge.render.growth`); ``format`` then sandboxed as Jinja does."""
        sandboxed = super().wrap_str_format(value)
        measured = growth.bounded_method(self, value, sandboxed or value)
        return sandboxed if measured is None else measured


#: ``"x" * n`` in a template is refused past this size (it would exhaust memory).
MAX_REPEAT = growth.MAX_BUILD


class InlineAssets(jinja2.ext.Extension):
    """The template's own markup refers to files in the template folders as data URLs.

    Done on the template's text when it is compiled, never on the rendered document:
    text that came from the plan (a note reading ``url(logo.png)``) stays text.
    """

    def filter_stream(self, stream: TokenStream) -> Any:
        folders = getattr(self.environment, "asset_folders", ())
        for token in stream:
            if token.type == "data" and folders:
                yield Token(token.lineno, "data", inline_assets(token.value, folders))
            else:
                yield token


def css_string(text: str) -> Markup:
    """Quote-safe text for inside a CSS string (in a <style> element, which is not unescaped)."""
    escaped = "".join(
        c if c.isalnum() or c in " .,:;-_/()[]%#·" or ord(c) > 127 else f"\\{ord(c):x} "
        for c in text
    )
    return Markup(escaped)


def css_page_counter(label: str) -> Markup:
    """``第 {page} 页 / 共 {pages} 页`` -> a CSS ``content`` value with page counters."""
    parts = []
    rest = label
    while rest:
        head, sep, tail = rest.partition("{")
        if head:
            parts.append(f'"{css_string(head)}"')
        if not sep:
            break
        name, _, rest = tail.partition("}")
        parts.append("counter(pages)" if name == "pages" else "counter(page)")
    return Markup(" ".join(parts))


@functools.lru_cache(maxsize=8)
def environment(override: str | None = None) -> jinja2.Environment:
    """The Jinja2 environment: ``override`` (a company's folder) first, then the built-ins.

    The built-ins are also reachable as ``planforge/<name>``, so an override can
    ``{% extends "planforge/plan.html.j2" %}`` and replace only some blocks.
    """
    builtin = ConfinedLoader(str(builtin_templates()))
    loaders: list[jinja2.BaseLoader] = [ConfinedLoader(override)] if override else []
    loaders += [builtin, jinja2.PrefixLoader({"planforge": builtin})]
    env = PlanSandbox(
        loader=jinja2.ChoiceLoader(loaders),
        extensions=[InlineAssets],
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.extend(asset_folders=[f for f in (override, str(builtin_templates())) if f])
    env.filters.update(growth.bounded_filters(env.filters))
    env.globals["lipsum"] = growth.bounded_lipsum(env.globals["lipsum"])
    env.filters["css_string"] = css_string
    env.filters["css_page_counter"] = css_page_counter
    return env


def render_html(context: dict[str, Any], templates: str | None = None) -> str:
    """The HTML document for a template context."""
    try:
        return environment(templates).get_template(TEMPLATE).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(f"{exc.filename or exc.name}:{exc.lineno}: {exc.message}") from None
    except SecurityError as exc:
        raise TemplateProblem(
            f"{_where(exc)}template refused: {exc} (templates run in a sandbox: they can"
            " format and arrange the plan, not reach Python internals or files)"
        ) from None
    except (jinja2.TemplateNotFound, jinja2.UndefinedError) as exc:
        raise TemplateProblem(f"{_where(exc)}template problem: {exc}") from None
    except (TemplateProblem, MemoryError):  # the memory limit's to report (PF802)
        raise
    except Exception as exc:  # an expression in a (company) template failed
        raise TemplateProblem(
            f"{_where(exc)}template problem: {type(exc).__name__}: {exc}"
        ) from None


def _where(exc: BaseException) -> str:
    """``file:line: `` of the innermost template frame in ``exc``'s traceback, or ``""``.

    Jinja rewrites tracebacks so that template code appears at its template's file
    and line; the innermost such frame is where the failing expression is written.
    """
    where = ""
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".j2", ".html", ".css")) or tb.tb_frame.f_globals.get(
            "__jinja_template__"
        ):
            where = f"{filename}:{tb.tb_lineno}: "
        tb = tb.tb_next
    return where
