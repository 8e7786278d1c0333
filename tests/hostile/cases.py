"""The hostile and broken inputs, each with its expected outcome.

Every case is a plan (built here, so 20 MB files and legacy encodings need not be
committed), a command, the exit status it must end with, and the diagnostic codes
that must be among its findings. ``test_hostile.py`` runs each one as a real
subprocess with a time limit.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = (ROOT / "plans" / "reactivation-2024q2.yaml").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[], bytes]
    exit: int
    codes: tuple[str, ...] = ()
    command: str = "validate"  # or "render"
    templates: dict[str, str] = field(default_factory=dict)  # name -> content ("->" = symlink)
    expect_in_output: tuple[str, ...] = ()
    prepare: Callable[[Path], None] | None = None  # runs in the case's folder first
    check: Callable[[Path], None] | None = None  # runs in the case's folder afterwards


def text(s: str) -> Callable[[], bytes]:
    return lambda: s.encode("utf-8")


def example(
    *subs: tuple[str, str], encoding: str = "utf-8", crlf: bool = False
) -> Callable[[], bytes]:
    def build() -> bytes:
        out = EXAMPLE
        for old, new in subs:
            assert old in out, old
            out = out.replace(old, new, 1)
        if crlf:
            out = out.replace("\n", "\r\n")
        return out.encode(encoding)

    return build


def bomb() -> bytes:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 12):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]")
    return "\n".join(lines).encode()


SCRIPT = "<script>alert(document.cookie)</script>"
#: Keys whose values are free text a planner types (ids, dates, enums, amounts excluded).
FREE_TEXT = {
    "title",
    "statement",
    "segment",
    "departments",
    "name",
    "role",
    "department",
    "contact",
    "criteria",
    "needs",
    "strategy",
    "deliverable",
    "resources",
    "note",
    "category",
    "item",
    "unit",
    "dimension",
    "analysis",
    "action",
    "description",
    "version",
}
PAYLOADS = (
    SCRIPT,
    "<img src=x onerror=alert(1)>",
    "</td></tr></table><h1>pwned</h1>",
    "{{ 7*7 }}",
    "{% raw %}",
    "</style><style>*{display:none}</style>",
    "javascript:alert(1)",
    "' onmouseover='alert(1)",
    "<svg onload=alert(1)>",
    "]]><!--",
    "<iframe src=file:///etc/passwd>",
)


def markup_everywhere() -> bytes:
    """The example plan with a markup or template payload in every free-text field."""
    import yaml

    from planforge.loader import load_text

    data = load_text(EXAMPLE).data
    count = 0

    def visit(node: object) -> object:
        nonlocal count
        if isinstance(node, dict):
            for key, value in node.items():
                if key in FREE_TEXT and isinstance(value, str):
                    node[key] = PAYLOADS[count % len(PAYLOADS)] + value
                    count += 1
                elif key in FREE_TEXT and isinstance(value, list):
                    node[key] = [PAYLOADS[(count + i) % len(PAYLOADS)] for i in range(len(value))]
                    count += 1
                else:
                    visit(value)
        elif isinstance(node, list):
            for item in node:
                visit(item)
        return node

    visit(data)
    assert count > 60
    dumper = type("D", (yaml.SafeDumper,), {})
    dumper.add_representer(
        __import__("decimal").Decimal,
        lambda d, v: d.represent_scalar("tag:yaml.org,2002:float", str(v)),
    )
    return yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False).encode()


def existing_output(folder: Path) -> None:
    out = folder / "out"
    out.mkdir()
    (out / "reactivation-2024q2.pdf").write_bytes(b"an older PDF")
    (out / "reactivation-2024q2.html").write_text("an older HTML", "utf-8")


def replaced_output(folder: Path) -> None:
    assert (folder / "out" / "reactivation-2024q2.pdf").read_bytes().startswith(b"%PDF-")
    assert not [p for p in (folder / "out").iterdir() if p.name.startswith(".")]  # no temp files


def symlinked_output(folder: Path) -> None:
    (folder / "victim.txt").write_text("do not touch", "utf-8")
    out = folder / "out"
    out.mkdir()
    (out / "reactivation-2024q2.html").symlink_to(folder / "victim.txt")
    (out / "reactivation-2024q2.pdf").symlink_to("/dev/null")


def link_not_followed(folder: Path) -> None:
    assert (folder / "victim.txt").read_text("utf-8") == "do not touch"
    assert (folder / "out" / "reactivation-2024q2.html").is_symlink()  # refused, not replaced
    assert os.path.realpath(folder / "out" / "reactivation-2024q2.pdf") == "/dev/null"


def output_is_a_file(folder: Path) -> None:
    (folder / "out").write_text("a file where the output folder should be", "utf-8")


FREE_TEXT_FIELDS = (
    ("title: 老客户唤醒月", f'title: "{SCRIPT}"'),
    (
        "  statement: 2024年Q2激活近6个月未消费的中价值客户,复购率提升12%",
        f'  statement: "{SCRIPT}"',
    ),
    (
        "  segment: 中价值客户(消费金额5万-10万元/年,近180天无消费记录)",
        '  segment: "<img src=x onerror=alert(1)>"',
    ),
    ("    name: 预热期", '    name: "</td></tr></table><h1>pwned</h1>"'),
    ("    name: 张经理", '    name: "{{ 7*7 }}{% raw %}"'),
    ("    criteria: 近2次投诉", '    criteria: "</style><style>*{display:none}</style>"'),
    ("    deliverable: 输出《客户分层清单》", '    deliverable: "javascript:alert(1)"'),
    ("      item: 宣传海报", '      item: "<iframe src=file:///etc/passwd>"'),
    ("    analysis: 社群通知频次不足,需增加短信提醒", "    analysis: \"' onmouseover='alert(1)\""),
    ("    action: 增加礼品吸引力、优化沟通话术", '    action: "<svg onload=alert(1)>"'),
    ("  deliverable: 《活动复盘报告》", '  deliverable: "]]><!--"'),
)

CASES: list[Case] = [
    # -- parser attacks ------------------------------------------------------------------
    Case("alias bomb", bomb, 1, ("PF005",)),
    Case("deep flow nesting", text("a: " + "[" * 50_000 + "]" * 50_000), 1, ("PF005",)),
    Case(
        "deep block nesting",
        text("".join("  " * i + "a:\n" for i in range(200)) + "  " * 200 + "b: 1\n"),
        1,
        ("PF005",),
    ),
    Case("recursive alias", text("a: &a\n  b: *a\n"), 1, ("PF005",)),
    Case("20 MB file", lambda: b"# padding\n" * (2 * 1024 * 1024), 1, ("PF006",)),
    Case(
        "5 MB title", example(("title: 老客户唤醒月", "title: " + "长" * 5_000_000)), 1, ("PF108",)
    ),
    Case(
        "python object apply",
        text('title: !!python/object/apply:os.system ["touch /tmp/pwned"]\n'),
        1,
        ("PF004",),
    ),
    Case(
        "python name tag",
        example(("owner: mkt-mgr", "owner: !!python/name:os.system")),
        1,
        ("PF004",),
    ),
    Case(
        "custom include tag",
        example(("title: 老客户唤醒月", "title: !include /etc/passwd")),
        1,
        ("PF004",),
    ),
    Case(
        "duplicate top-level key",
        example(("status: review", "status: review\nstatus: approved")),
        1,
        ("PF003",),
    ),
    Case(
        "duplicate nested key",
        example(("    owner: designer", "    owner: designer\n    owner: sales")),
        1,
        ("PF003",),
    ),
    Case("merge key", text("base: &b {x: 1}\nother:\n  <<: *b\n"), 1, ("PF004",)),
    Case("two documents", lambda: (EXAMPLE + "\n---\n" + EXAMPLE).encode(), 1, ("PF006",)),
    Case(
        "unclosed flow sequence",
        example(("departments: [市场部, 销售部, 客服部]", "departments: [市场部, 销售部")),
        1,
        ("PF002",),
    ),
    Case("binary garbage", lambda: bytes(range(256)) * 64, 1, ("PF001",)),
    Case(
        "NUL byte",
        lambda: EXAMPLE.replace("title: 老客户唤醒月", "title: 老客户\x00唤醒月").encode(),
        1,
        ("PF002",),
    ),
    Case("empty file", text(""), 1, ("PF006",)),
    Case("comments only", text("# TODO: write the plan\n\n   \n"), 1, ("PF006",)),
    Case("scalar root", text("just a sentence\n"), 1, ("PF006",)),
    Case("list root", text("- planforge: 1\n- id: x\n"), 1, ("PF006",)),
    # -- bad values ----------------------------------------------------------------------
    Case("February 30th", example(("  end: 2024-06-30", "  end: 2024-02-30")), 1, ("PF105",)),
    Case(
        "year zero",
        example(("  start: 2024-04-01\n  end", "  start: 0000-04-01\n  end")),
        1,
        ("PF105",),
    ),
    Case("NaN money", example(("  cap: 10000", "  cap: .nan")), 1, ("PF103",)),
    Case(
        "infinite amount", example(("      amount: 2000\n", "      amount: .inf\n")), 1, ("PF103",)
    ),
    Case("huge number", example(("  cap: 10000", "  cap: 1e400")), 1, ("PF106",)),
    Case(
        "huge integer",
        example(("      quantity: 20\n", "      quantity: " + "9" * 400 + "\n")),
        1,
        ("PF106",),
    ),
    Case(
        "negative money", example(("      amount: 2000\n", "      amount: -2000\n")), 1, ("PF104",)
    ),
    Case(
        "sub-cent amount", example(("      amount: 2000\n", "      amount: 1e-30\n")), 1, ("PF106",)
    ),
    Case(
        "absurd share", example(("    share: 10%", "    share: 1" + "0" * 400 + "%")), 1, ("PF106",)
    ),
    Case("boolean status", example(("status: review", "status: yes")), 1, ("PF104",)),
    Case(
        "YAML 1.1 words stay text",
        example(
            ("departments: [市场部, 销售部, 客服部]", "departments: [no, yes, on, off]"),
            ("customers: 200", "customers: 0200"),
        ),
        0,
    ),
    # -- encodings and file formats ------------------------------------------------------
    Case("GBK", example(encoding="gb18030"), 1, ("PF001",), expect_in_output=("GBK",)),
    Case(
        "Traditional Chinese in UTF-8",
        example(("title: 老客户唤醒月", "title: 客戶關係維護活動計劃")),
        0,
    ),
    Case(
        "Big5 encoded",
        lambda: "title: 客戶關係維護活動計劃制定工具\n".encode("big5"),
        1,
        ("PF001",),
        expect_in_output=("Big5",),
    ),
    Case(
        "Latin-1",
        lambda: "title: Café crème\n".encode("latin-1"),
        1,
        ("PF001",),
        expect_in_output=("Latin-1",),
    ),
    Case("UTF-16", example(encoding="utf-16"), 1, ("PF001",), expect_in_output=("UTF-16",)),
    Case("BOM and CRLF", example(encoding="utf-8-sig", crlf=True), 0),
    Case("mixed line ends", lambda: EXAMPLE.replace("\n", "\r\n", 40).encode(), 0),
    Case(
        "tab indentation",
        example(("  kpi: repurchase-rate", "\tkpi: repurchase-rate")),
        1,
        ("PF002",),
    ),
    # -- markup and script in every free-text field ---------------------------------------
    Case("markup in selected fields (validate)", example(*FREE_TEXT_FIELDS), 0),
    Case("markup in selected fields (render)", example(*FREE_TEXT_FIELDS), 0, command="render"),
    Case("markup in every free-text field (validate)", markup_everywhere, 0),
    Case("markup in every free-text field (render)", markup_everywhere, 0, command="render"),
    Case(
        "path in the plan id",
        example(("id: reactivation-2024q2", "id: ../../etc/cron.d/x")),
        1,
        ("PF104",),
        command="render",
    ),
    # -- template and asset paths that try to escape ---------------------------------------
    Case(
        "template symlink outside",
        example(),
        1,
        command="render",
        templates={"brand.css": "->/etc/hostname"},
        expect_in_output=("outside the template folder",),
    ),
    Case(
        "stylesheet fetches a local file",
        example(),
        1,
        command="render",
        templates={"brand.css": 'body { background: url("file:///etc/passwd"); }'},
        expect_in_output=("outside the template and plan folders",),
    ),
    Case(
        "stylesheet fetches the network",
        example(),
        1,
        command="render",
        templates={"brand.css": 'h1 { background: url("http://127.0.0.1:9/x.png"); }'},
        expect_in_output=("does not fetch from the network",),
    ),
    Case(
        "image from the network",
        example(),
        1,
        command="render",
        templates={
            "plan.html.j2": '{% extends "planforge/plan.html.j2" %}{% block header %}<img src="https://127.0.0.1:9/logo.png">{% endblock %}'
        },
        expect_in_output=("does not fetch from the network",),
    ),
    Case(
        "template includes a parent path",
        example(),
        1,
        command="render",
        templates={"plan.html.j2": '{% include "../../../etc/passwd" %}'},
        expect_in_output=("template problem",),
    ),
    Case(
        "template syntax error",
        example(),
        1,
        command="render",
        templates={"plan.html.j2": "{% if %}"},
        expect_in_output=("plan.html.j2",),
    ),
    Case(
        "template expression fails",
        example(),
        1,
        command="render",
        templates={"plan.html.j2": "{{ 1 // 0 }}"},
        expect_in_output=("ZeroDivisionError",),
    ),
    # -- output paths ------------------------------------------------------------------------
    Case(
        "output onto existing files",
        example(),
        0,
        command="render",
        prepare=existing_output,
        check=replaced_output,
    ),
    Case(
        "output through symlinks",
        example(),
        1,
        command="render",
        prepare=symlinked_output,
        check=link_not_followed,
        expect_in_output=("is a symbolic link", "--follow-symlinks"),
    ),
    Case(
        "output folder is a file",
        example(),
        2,
        command="render",
        prepare=output_is_a_file,
        expect_in_output=("is a file",),
    ),
]
