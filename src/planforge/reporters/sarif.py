"""SARIF 2.1.0, for GitHub code scanning and other static-analysis dashboards."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from planforge import __version__
from planforge.check import Result
from planforge.present.safe import json_safe
from planforge.rules import all_rules

_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def source_root() -> str:
    """The folder SARIF paths are relative to (``%SRCROOT%``): ``GITHUB_WORKSPACE`` when
    set, else the git repository holding the current folder, else the current folder."""
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if workspace:
        return os.path.abspath(workspace)
    here = os.getcwd()
    folder = here
    while not os.path.exists(os.path.join(folder, ".git")):
        parent = os.path.dirname(folder)
        if parent == folder:
            return here
        folder = parent
    return folder


def _uri(path: str, root: str) -> str:
    """``path`` relative to ``root``, as a URI reference (never absolute)."""
    relative = os.path.relpath(os.path.abspath(path), root)
    return quote(PurePath(relative).as_posix(), safe="/")


def render(results: Sequence[Result], **_: object) -> str:
    """One SARIF run with every rule's metadata and one result per diagnostic."""
    rules = all_rules()
    root = source_root()
    index = {r.code: i for i, r in enumerate(rules)}
    sarif_results: list[dict[str, Any]] = []
    for result in results:
        for d in result.diagnostics:
            region: dict[str, int] = {"startLine": d.line, "startColumn": d.col}
            if d.location.end_line:
                region["endLine"] = d.location.end_line
                if d.location.end_col:
                    region["endColumn"] = d.location.end_col
            physical = {
                "artifactLocation": {"uri": _uri(d.path, root), "uriBaseId": "%SRCROOT%"},
                "region": region,
            }
            item: dict[str, Any] = {
                "ruleId": d.code,
                "ruleIndex": index[d.code],
                "level": d.severity.value,
                "message": {"text": d.message},
                "locations": [{"physicalLocation": physical}],
            }
            if d.fix is not None and d.fix.edits:
                item["fixes"] = [
                    {
                        "description": {"text": d.fix.message},
                        "artifactChanges": [
                            {
                                "artifactLocation": {
                                    "uri": _uri(d.path, root),
                                    "uriBaseId": "%SRCROOT%",
                                },
                                "replacements": [
                                    {
                                        "deletedRegion": {
                                            "startLine": e.start[0],
                                            "startColumn": e.start[1],
                                            "endLine": e.end[0],
                                            "endColumn": e.end[1],
                                        },
                                        "insertedContent": {"text": e.text},
                                    }
                                    for e in d.fix.edits
                                ],
                            }
                        ],
                    }
                ]
            if d.related:
                item["relatedLocations"] = [
                    {
                        "id": i,
                        "message": {"text": r.message},
                        "physicalLocation": {
                            "artifactLocation": {
                                "uri": _uri(d.path, root),
                                "uriBaseId": "%SRCROOT%",
                            },
                            "region": {"startLine": r.location.line, "startColumn": r.location.col},
                        },
                    }
                    for i, r in enumerate(d.related)
                ]
            sarif_results.append(item)
    doc = {
        "$schema": _SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": _TOOL,
                "columnKind": "unicodeCodePoints",
                "results": sarif_results,
            }
        ],
    }
    text = json.dumps(doc, ensure_ascii=False, indent=2)
    return json_safe(text.replace(json.dumps(_TOOL), _tool_json(), 1)) + "\n"


#: Stands in for the tool's metadata (every rule's docs), serialised once per process.
_TOOL = "\u0000planforge-tool\u0000"


@functools.lru_cache(maxsize=1)
def _tool_json() -> str:
    """The ``tool`` object as it prints at its depth in the report (six spaces in)."""
    tool = {
        "driver": {
            "name": "planforge",
            "version": __version__,
            "informationUri": "https://github.com/planforge/planforge",
            "rules": [
                {
                    "id": r.code,
                    "name": r.name,
                    "shortDescription": {"text": r.summary},
                    "fullDescription": {"text": r.doc},
                    "help": {"text": r.doc},
                    "defaultConfiguration": {"level": r.severity.value},
                }
                for r in all_rules()
            ],
        }
    }
    return json.dumps(tool, ensure_ascii=False, indent=2).replace("\n", "\n      ")
