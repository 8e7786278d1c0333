"""Issue 17.3: the PDF fetches only images, fonts and CSS.

The attack: a company template attaches the customer export to the PDF, by a
``file://`` URL or through a symlink named like an image. The render is refused
and no PDF carrying the rows is written.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from planforge.render.document import RenderOptions, render_file
from tests.conftest import EXAMPLE

PHONE = "13812345678"


@pytest.mark.parametrize(
    "href",
    [
        "file://{plans}/data/customers.csv",
        "rows.png",  # a symlink in the template folder to the export
        "file://{plans}/Rows.PNG",  # a symlink in the plan's folder
    ],
)
def test_a_template_cannot_attach_the_customer_export(tmp_path: Path, href: str) -> None:
    plans = tmp_path / "plans"
    (plans / "data").mkdir(parents=True)
    shutil.copy(EXAMPLE, plans / "plan.yaml")
    export = plans / "data" / "customers.csv"
    export.write_text(f"客户编号,手机\nC1,{PHONE}\n", "utf-8")
    brand = tmp_path / "brand"
    brand.mkdir()
    os.symlink(export, brand / "rows.png")
    os.symlink(export, plans / "Rows.PNG")
    link = href.format(plans=plans)
    (brand / "plan.html.j2").write_text(
        '{% extends "planforge/plan.html.j2" %}'
        f'{{% block header %}}<link rel="attachment" href="{link}">'
        f'<a rel="attachment" href="{link}">rows</a>{{% endblock %}}',
        "utf-8",
    )
    out = tmp_path / "out"
    outcome = render_file(
        str(plans / "plan.yaml"),
        RenderOptions(formats=("pdf",), output=str(out), templates=str(brand)),
    )
    assert outcome.error and "not an image, font or stylesheet" in outcome.error
    assert PHONE not in outcome.error
    written = list(out.rglob("*")) if out.exists() else []
    assert not any(f.is_file() and PHONE.encode() in f.read_bytes() for f in written)
    assert not any(f.suffix == ".pdf" for f in written)
