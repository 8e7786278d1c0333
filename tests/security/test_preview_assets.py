"""Issue 17.2: ``preview`` checks the file it serves, not the URL's name.

The attack: a symlink named like an image (``/evil.png``) to the customer export,
and a template folder holding ``.env`` and ``copy.YAML``. None of them is served;
the customer rows, the secret and the plan text never reach the client.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE
from tests.render.test_preview import Client

PHONE = "13812345678"
SECRET = "SECRET_TOKEN=9f1c2e"


@pytest.fixture
def served(tmp_path: Path):
    plans = tmp_path / "plans"
    (plans / "data").mkdir(parents=True)
    plan = plans / "plan.yaml"
    shutil.copy(EXAMPLE, plan)
    (plans / "data" / "customers.csv").write_text(f"客户编号,手机\nC1,{PHONE}\n", "utf-8")
    os.symlink("data/customers.csv", plans / "evil.png")
    os.symlink("data/customers.csv", plans / "evil.CSS")
    brand = tmp_path / "brand"
    brand.mkdir()
    (brand / ".env").write_text(SECRET, "utf-8")
    (brand / "copy.YAML").write_text(f"note: {SECRET}", "utf-8")
    (brand / "notes.txt").write_text(SECRET, "utf-8")
    (brand / "Logo.PNG").write_bytes(b"\x89PNG logo")
    os.symlink(plans / "data" / "customers.csv", brand / "rows.woff2")
    client = Client(plan, str(brand))
    yield client
    client.close()


@pytest.mark.parametrize(
    "path",
    [
        "/evil.png",
        "/evil.CSS",
        "/data/customers.csv",
        "/.env",
        "/copy.YAML",
        "/notes.txt",
        "/rows.woff2",
        "/plan.yaml",
        "/PLAN.YAML",
    ],
)
def test_nothing_but_real_assets_is_served(served: Client, path: str) -> None:
    status, body, _ = served.get(path)
    assert status == 404, path
    assert PHONE not in body and SECRET not in body


def test_a_real_asset_in_any_letter_case_is_served(served: Client) -> None:
    status, body, resp = served.get("/Logo.PNG")
    assert status == 200 and body.endswith("logo")
    assert resp.getheader("Content-Type") == "image/png"
