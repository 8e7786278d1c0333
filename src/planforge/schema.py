"""The plan's JSON Schema, at the bottom of the package: where it lives, its text, and
the parsed schema (for editors, the input-method checks and the docs).

Checking a loaded plan against it is a rule, next to the PF1xx rules it reports:
:func:`planforge.rules.schema_check.check_schema`. This module imports nothing of
planforge's but :mod:`planforge.resources`, so anything may use it.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from planforge.resources import SCHEMA_NAME, schema_path, schema_text

__all__ = ["SCHEMA_NAME", "schema", "schema_path", "schema_text"]


@functools.cache
def schema() -> dict[str, Any]:
    """The parsed schema."""
    return json.loads(schema_text())
