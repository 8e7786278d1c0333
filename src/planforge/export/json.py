"""``--format json``: the resolved plan as JSON-ready data.

Decimals become strings (exact, never floats), dates ISO strings; internal
fields (source paths, parse errors) are left out. Renderers use the same data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal
from typing import Any

from planforge import __version__
from planforge.model import Plan
from planforge.quantities import Quantity, Target

FORMAT_VERSION = 1


def to_data(value: Any) -> Any:
    """``value`` (a model object, list, Decimal, date...) as JSON-ready data."""
    if isinstance(value, Quantity):
        return {"value": str(value.value), "percent": value.percent, "text": str(value)}
    if isinstance(value, Target):
        return {
            "op": value.op,
            "value": str(value.value.value),
            "high": str(value.high.value) if value.high else None,
            "percent": value.percent,
            "text": str(value),
        }
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: to_data(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if not f.metadata.get("internal")
        }
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: to_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_data(v) for v in value]
    return value


def export_data(plan: Plan, source: str) -> dict[str, Any]:
    """The resolved plan with a small header saying what produced it."""
    return {
        "resolved": {
            "format": FORMAT_VERSION,
            "tool": f"planforge {__version__}",
            "source": source,
        },
        **to_data(plan),
    }


def export_json(plan: Plan, source: str) -> str:
    """``planforge export --format json`` output: stable key order, UTF-8, 2-space indent."""
    from planforge.present.safe import json_safe

    return json_safe(json.dumps(export_data(plan, source), ensure_ascii=False, indent=2)) + "\n"


def export_files(plan: Plan, source: str) -> dict[str, bytes]:
    """``{"<id>.json": bytes}`` (see :func:`planforge.export.files`)."""
    return {f"{plan.id}.json": export_json(plan, source).encode("utf-8")}
