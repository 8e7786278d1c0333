"""Maintaining the catalogs (a developer's tool; needs Babel, never imported by ``validate``).

* :func:`messages` lists every translatable text: the first argument of each
  ``msg("...")`` in the source, and every rule's doc.

Run from the repository's root:

* ``python -m tools.i18n_build update`` adds the missing ones to each ``.po``
  (with an empty translation, for a translator to fill in) and recompiles the ``.mo``.
* ``python -m tools.i18n_build compile`` only recompiles.

It lives outside the package: the wheel ships the compiled ``.mo``, not this tool.
"""

from __future__ import annotations

import ast
import io
import re
import sys
from pathlib import Path

import planforge
from planforge.i18n import DOMAIN, LOCALE_DIR

#: The package whose sources hold the messages.
PACKAGE = Path(planforge.__file__).resolve().parent
_PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)[^{}]*\}(?!\})")


def placeholders(text: str) -> set[str]:
    """The ``{name}`` placeholders in a template."""
    return set(_PLACEHOLDER.findall(text))


def is_structural(text: str) -> bool:
    """A template of placeholders and punctuation only (``{i0}, {i1}``): nothing to translate."""
    return not re.sub(r"\{[^{}]*\}|[\s,.;:/()\[\]`'\"+-]", "", text)


def source_messages() -> dict[str, str]:
    """``msg("...")`` templates in the source -> the first ``file:line`` using each."""
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            first = node.args[0]
            if (
                name in ("msg", "Message", "say", "_say", "N_")
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
                and not is_structural(first.value)
            ):
                where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
                found.setdefault(first.value, where)
    return found


def messages() -> dict[str, str]:
    """Every translatable text -> where it comes from."""
    from planforge.rules import all_rules

    found = source_messages()
    for rule in all_rules():
        found.setdefault(rule.doc, f"rule {rule.code}")
    return found


def po_files() -> list[Path]:
    return sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def read(po: Path):  # -> babel.messages.Catalog
    from babel.messages.pofile import read_po

    with po.open("rb") as fh:
        return read_po(fh, locale=po.parent.parent.name)


def compile_po(po: Path) -> bytes:
    """The ``.mo`` bytes for ``po`` (fuzzy and untranslated entries left out)."""
    from babel.messages.mofile import write_mo

    out = io.BytesIO()
    write_mo(out, read(po))
    return out.getvalue()


def update(po: Path) -> int:
    """Add missing messages to ``po`` (untranslated) and drop obsolete ones; returns how many were added."""
    from babel.messages.pofile import write_po

    catalog = read(po)
    wanted = messages()
    added = 0
    for text, where in wanted.items():
        if text not in catalog:
            catalog.add(text, "", locations=[(where, None)])
            added += 1
    for message in list(catalog):
        if message.id and message.id not in wanted:
            catalog.delete(message.id)
    out = io.BytesIO()
    write_po(out, catalog, width=0, sort_output=True, omit_header=False, no_location=True)
    po.write_bytes(out.getvalue())
    return added


def main(argv: list[str]) -> int:  # pragma: no cover - a maintainer's command
    command = argv[0] if argv else "compile"
    for po in po_files():
        if command == "update":
            print(f"{po}: {update(po)} messages added")
        po.with_suffix(".mo").write_bytes(compile_po(po))
        print(f"{po.with_suffix('.mo')} written")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
