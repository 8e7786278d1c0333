"""JUnit XML: one test case per plan file, one failure per finding that fails it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from planforge.check import Result
from planforge.diagnostics import Diagnostic, Severity
from planforge.present.safe import xml_safe


def _line(d: Diagnostic) -> str:
    return xml_safe(f"{d.path}:{d.line}:{d.col}: {d.severity.value}[{d.code}] {d.message}")


def render(results: Sequence[Result], *, strict: bool = False, **_: object) -> str:
    """A ``<testsuites>`` document."""
    failed = sum(1 for r in results if r.failed(strict))
    suites = ET.Element(
        "testsuites", name="planforge", tests=str(len(results)), failures=str(failed)
    )
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="planforge validate",
        tests=str(len(results)),
        failures=str(failed),
        errors="0",
        skipped="0",
    )
    for result in results:
        case = ET.SubElement(
            suite, "testcase", classname="planforge.validate", name=xml_safe(result.path)
        )
        counted = [d for d in result.diagnostics if d.severity is Severity.ERROR or strict]
        others = [d for d in result.diagnostics if not (d.severity is Severity.ERROR or strict)]
        for d in counted:
            message = xml_safe(f"{d.line}:{d.col} {d.message}")
            failure = ET.SubElement(case, "failure", type=d.code, message=message)
            failure.text = _line(d)
        if others:
            out = ET.SubElement(case, "system-out")
            out.text = "\n".join(_line(d) for d in others)
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )
