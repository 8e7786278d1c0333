"""Where every value of a loaded plan came from."""

from __future__ import annotations

from dataclasses import dataclass, field

from planforge.diagnostics import Location

#: A path into the loaded data, as jsonschema spells it: keys and list indexes.
Path = tuple[str | int, ...]


@dataclass
class SourceMap:
    """Positions of values and of mapping keys, by path.

    Paths that have no entry of their own (a value reached through an alias, say)
    fall back to the nearest ancestor that has one.
    """

    values: dict[Path, Location] = field(default_factory=dict)
    keys: dict[Path, Location] = field(default_factory=dict)

    def value(self, path: Path) -> Location:
        """Where the value at ``path`` is written."""
        return self._nearest(self.values, tuple(path))

    def key(self, path: Path) -> Location:
        """Where the key naming ``path`` is written (the value's position for list items)."""
        path = tuple(path)
        if path in self.keys:
            return self.keys[path]
        return self.value(path)

    def _nearest(self, table: dict[Path, Location], path: Path) -> Location:
        while path:
            loc = table.get(path)
            if loc is not None:
                return loc
            path = path[:-1]
        return table.get((), Location())


def format_path(path: Path) -> str:
    """``('tasks', 2, 'start')`` -> ``tasks #3 › start`` (items count from 1, as planners do)."""
    parts: list[str] = []
    for part in path:
        if isinstance(part, int) and parts:
            parts[-1] += f" #{part + 1}"
        else:
            parts.append(f"#{part + 1}" if isinstance(part, int) else str(part))
    return " › ".join(parts) or "the plan"
