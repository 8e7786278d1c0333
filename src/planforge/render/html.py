"""Fill the Jinja2 templates: autoescaped, strict, and confined to their folders."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

TEMPLATE = "plan.html.j2"


def builtin_templates() -> Path:
    """The templates shipped with planforge (in the wheel, or ``templates/`` in a checkout)."""
    here = Path(__file__).resolve().parents[1]
    packaged = here / "templates"
    return packaged if (packaged / TEMPLATE).is_file() else here.parents[1] / "templates"


class TemplateProblem(RuntimeError):
    """A company template is missing, malformed or reaches outside its folder."""


class ConfinedLoader(jinja2.FileSystemLoader):
    """A file loader that refuses templates resolving outside its folder (through symlinks)."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        source, filename, uptodate = super().get_source(environment, template)
        roots = [os.path.realpath(p) for p in self.searchpath]
        real = os.path.realpath(filename)
        if not any(real == r or real.startswith(r + os.sep) for r in roots):
            # Not TemplateNotFound: the loader chain must not fall back silently.
            raise TemplateProblem(f"{filename} resolves outside the template folder")
        return source, filename, uptodate


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
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["css_string"] = css_string
    env.filters["css_page_counter"] = css_page_counter
    return env


def render_html(context: dict[str, Any], templates: str | None = None) -> str:
    """The HTML document for a template context."""
    try:
        return environment(templates).get_template(TEMPLATE).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(f"{exc.filename or exc.name}:{exc.lineno}: {exc.message}") from None
    except (jinja2.TemplateNotFound, jinja2.UndefinedError) as exc:
        raise TemplateProblem(f"template problem: {exc}") from None
    except TemplateProblem:
        raise
    except Exception as exc:  # an expression in a (company) template failed
        raise TemplateProblem(f"template problem: {type(exc).__name__}: {exc}") from None
