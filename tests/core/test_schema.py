"""The JSON Schema: valid draft-07, documented, accepted by a third-party validator."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from jsonschema import Draft7Validator

from planforge.check import check_document
from planforge.loader import load_text
from planforge.rules.schema_check import check_schema
from planforge.schema import schema, schema_path
from tests.conftest import PLANS, ROOT


def test_schema_file_is_the_repository_one_in_a_checkout() -> None:
    assert json.loads((ROOT / "schemas" / "plan.schema.json").read_text("utf-8")) == schema()
    assert schema_path().name == "plan.schema.json"


def test_metaschema() -> None:
    Draft7Validator.check_schema(schema())
    assert schema()["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema()["$id"]


def _properties(node, path=""):
    if isinstance(node, dict):
        for key, sub in node.get("properties", {}).items():
            yield f"{path}.{key}", sub
        for key, sub in node.items():
            if isinstance(sub, (dict, list)):
                yield from _properties(sub, f"{path}/{key}")
    elif isinstance(node, list):
        for i, sub in enumerate(node):
            yield from _properties(sub, f"{path}[{i}]")


def test_every_property_has_a_title_and_description() -> None:
    props = list(_properties(schema()))
    assert len(props) > 60
    for where, prop in props:
        assert prop.get("title") and prop.get("description"), where


def test_every_object_refuses_unknown_keys() -> None:
    def objects(node):
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node:
                yield node
            for sub in node.values():
                yield from objects(sub)
        elif isinstance(node, list):
            for sub in node:
                yield from objects(sub)

    for obj in objects(schema()):
        assert obj.get("additionalProperties") is False, obj.get("title")


def test_check_jsonschema_accepts_the_plans() -> None:
    """check-jsonschema (a dev dependency) is the third-party validator editors' users meet."""
    exe = str(Path(sys.executable).with_name("check-jsonschema"))
    plans = sorted(str(p) for p in PLANS.glob("*.yaml"))
    proc = subprocess.run(
        [exe, "--schemafile", str(ROOT / "schemas" / "plan.schema.json"), *plans],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_example_passes_and_a_broken_one_does_not(example_text: str) -> None:
    assert check_schema(load_text(example_text)) == []
    broken = example_text.replace("status: review", "status: reviewd").replace(
        "  cap: 10000", "  cap: ten thousand"
    )
    diags = check_schema(load_text(broken))
    cap_line = example_text.splitlines().index("  cap: 10000") + 1
    status_line = example_text.splitlines().index("status: review") + 1
    assert sorted((d.code, d.line, d.col) for d in diags) == [
        ("PF103", cap_line, 8),
        ("PF104", status_line, 9),
    ]


def test_missing_top_level_key_points_at_the_start(example_text: str) -> None:
    result = check_document(load_text(example_text.replace("currency: CNY\n", "")))
    (diag,) = result.diagnostics
    assert (diag.code, diag.line, diag.col) == ("PF101", 2, 1)
    assert "`currency`" in diag.message


def test_a_malformed_date_is_one_finding(example_text: str) -> None:
    text = example_text.replace("period:\n  start: 2024-04-01", "period:\n  start: 2024-4-1", 1)
    diags = check_schema(load_text(text))
    assert [d.code for d in diags] == ["PF105"]
