"""planforge's import graph, read from the source with ``ast``: no circles, no private
names across modules, and commands that go through the front door.

What counts as an import here:

* every ``import`` and ``from ... import`` of a planforge module, at module level *and*
  inside functions: a lazy import (kept lazy so ``validate`` stays fast) is still a
  dependency, and a circle through it is still a circle;
* not an import under ``if TYPE_CHECKING:``, which never runs (annotations only);
* importing ``a.b.c`` also imports the package ``a.b`` (its ``__init__``) unless that
  package holds the importing module (Python has imported it already).

Circles are looked for between modules and between the top-level parts of the package
(``planforge.render``, ``planforge.diff``, ``planforge.model``...): a part may use the
parts below it, never one that uses it back.

Package data (the schema, the templates, the catalogs) is found only through
:mod:`planforge.resources` (``importlib.resources``), never from ``__file__``.

The command modules (``planforge/cli/``) reach plans only through the front door
(:mod:`planforge.frontdoor`) and hand the results to the output writers listed in
:data:`CLI_MAY_IMPORT`; the stages (loader, check, resolve, schema, rules, segment's
internals, schedule, model) are behind the front door.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "planforge"

#: What ``planforge/cli/`` may import besides itself: the front door, the output writers
#: and the plumbing every command needs. Anything else is a stage behind the front door.
CLI_MAY_IMPORT = {
    "planforge",  # __version__
    "planforge.frontdoor",
    # output writers
    "planforge.reporters",
    "planforge.export",
    "planforge.render.batch",
    "planforge.render.document",
    "planforge.render.limits",
    "planforge.render.printer",
    "planforge.render.fonts",
    "planforge.diff",
    "planforge.diff.compare",
    "planforge.diff.report",
    "planforge.segment.command",
    "planforge.segment.sql",
    "planforge.evaluate.command",
    "planforge.evaluate.measures_sql",
    "planforge.preview",
    "planforge.scaffold",
    # plumbing
    "planforge.messages",
    "planforge.i18n",
    "planforge.signals",
    "planforge.atomic",
    "planforge.reproducible",
    "planforge.resources",
}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # the planforge module imported
    names: tuple[str, ...]  # what a `from` import takes from it
    line: int


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    """ids of the nodes inside ``if TYPE_CHECKING:`` blocks."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = getattr(test, "id", getattr(test, "attr", None))
            if name == "TYPE_CHECKING":
                for child in node.body:
                    skipped.update(id(n) for n in ast.walk(child))
    return skipped


def _imports(module: str, path: Path) -> Iterator[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _type_checking_nodes(tree)
    is_package = path.name == "__init__.py"
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "planforge":
                    yield Import(module, alias.name, (), node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            if source.split(".")[0] != "planforge":
                continue
            plain = tuple(a.name for a in node.names if f"{source}.{a.name}" not in MODULES)
            for alias in node.names:
                sub = f"{source}.{alias.name}"
                if sub in MODULES:  # `from planforge.render import printer`: a module
                    yield Import(module, sub, (), node.lineno)
            if plain:
                yield Import(module, source, plain, node.lineno)


IMPORTS = [imp for module, path in MODULES.items() for imp in _imports(module, path)]


def _edges() -> dict[str, set[str]]:
    """Module -> the modules importing it runs (the explicit targets and their packages)."""
    edges: dict[str, set[str]] = {m: set() for m in MODULES}
    for imp in IMPORTS:
        parts = imp.target.split(".")
        for n in range(1, len(parts) + 1):
            target = ".".join(parts[:n])
            explicit = n == len(parts)
            holds_importer = imp.module == target or imp.module.startswith(target + ".")
            if target in MODULES and target != imp.module and (explicit or not holds_importer):
                edges[imp.module].add(target)
    return edges


def _circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected parts of ``edges`` with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(edges.get(node, ())):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            part = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                part.append(top)
                if top == node:
                    break
            if len(part) > 1:
                found.append(sorted(part))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def _why(edges: dict[str, set[str]], circle: list[str]) -> list[str]:
    """The imports that make up ``circle``, as ``a -> b`` lines."""
    members = set(circle)
    return [f"{a} -> {b}" for a in circle for b in sorted(edges[a]) if b in members]


def _part(module: str) -> str:
    """``planforge.render.view`` -> ``planforge.render``; ``planforge.model`` itself."""
    return ".".join(module.split(".")[:2])


def test_the_source_is_read() -> None:
    assert "planforge.frontdoor" in MODULES and "planforge.cli" in MODULES
    assert any(i.module == "planforge.check" for i in IMPORTS)


def test_no_module_imports_itself_back() -> None:
    edges = _edges()
    circles = _circles(edges)
    assert not circles, "import circles:\n" + "\n\n".join(
        "\n".join(_why(edges, c)) for c in circles
    )


def test_no_part_of_the_package_imports_a_part_that_imports_it_back() -> None:
    parts: dict[str, set[str]] = {}
    for module, targets in _edges().items():
        for target in targets:
            if _part(module) != _part(target) and target != "planforge":
                parts.setdefault(_part(module), set()).add(_part(target))
                parts.setdefault(_part(target), set())
    circles = _circles(parts)
    assert not circles, "circles between parts of planforge:\n" + "\n\n".join(
        "\n".join(_why(parts, c)) for c in circles
    )


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def test_no_module_imports_another_modules_private_names() -> None:
    bad = [
        f"{imp.module}:{imp.line} imports {name} from {imp.target}"
        for imp in IMPORTS
        for name in imp.names
        if _private(name)
    ]
    bad += [
        f"{imp.module}:{imp.line} imports the private module {imp.target}"
        for imp in IMPORTS
        if any(_private(p) for p in imp.target.split("."))
        and not imp.module.startswith(imp.target.rsplit(".", 1)[0])
    ]
    assert not bad, "\n".join(bad)


def _attribute_uses(module: str, path: Path) -> Iterator[str]:
    """``alias._name`` where ``alias`` is a planforge module imported by ``module``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("planforge.") and a.asname:
                    aliases[a.asname] = a.name
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("planforge"):
            for a in node.names:
                if f"{node.module}.{a.name}" in MODULES:
                    aliases[a.asname or a.name] = f"{node.module}.{a.name}"
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
            and _private(node.attr)
            and aliases[node.value.id] != module
        ):
            yield f"{module}:{node.lineno} uses {aliases[node.value.id]}.{node.attr}"


def test_no_module_reaches_into_another_modules_private_names() -> None:
    bad = [use for module, path in MODULES.items() for use in _attribute_uses(module, path)]
    assert not bad, "\n".join(bad)


def test_commands_reach_plans_only_through_the_front_door() -> None:
    bad = [
        f"{imp.module}:{imp.line} imports {imp.target}"
        for imp in IMPORTS
        if imp.module.startswith("planforge.cli")
        and not imp.target.startswith("planforge.cli")
        and imp.target not in CLI_MAY_IMPORT
        and not imp.target.startswith("planforge.reporters.")
        and not imp.target.startswith("planforge.export.")
    ]
    assert not bad, "past the front door:\n" + "\n".join(bad)


#: Modules that may find files by their own location: the resources module (package data,
#: through importlib.resources) and the catalog maintainer's tool (the source files).
MAY_USE_FILE = {"planforge.resources", "planforge.i18n_build"}


def test_package_data_is_read_through_importlib_resources() -> None:
    bad = [
        f"{module} uses __file__ (read package data through planforge.resources)"
        for module, path in MODULES.items()
        if module not in MAY_USE_FILE
        and any(
            isinstance(n, ast.Name) and n.id == "__file__"
            for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        )
    ]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize(
    ("edges", "expected"),
    [
        ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
    ],
)
def test_circles_are_found(edges: dict[str, set[str]], expected: list[list[str]]) -> None:
    assert _circles(edges) == expected


def test_a_lazy_import_counts_and_a_type_only_one_does_not(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from planforge.model import Plan\n"
        "def f():\n    from planforge.check import Result\n"
    )
    found = {i.target for i in _imports("planforge.m", source)}
    assert found == {"planforge.check"}
