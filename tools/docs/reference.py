"""The generated parts of the documentation site, in both languages.

* :func:`rule_page` and :func:`rules_index`: one page per rule, and the table of all of
  them, from the rule registry (:mod:`planforge.rules`; the Chinese from the catalog).
* :func:`schema_reference`: the plan-format tables, from the JSON Schema's
  ``description`` and ``x-description-zh``.

``tools/docs/gen_pages.py`` and ``tools/docs/hooks.py`` call these while mkdocs builds,
and the docs tests call them to check that nothing is left undocumented.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from planforge.rules import Rule, all_rules

LANGS = ("zh", "en")
#: The catalog's name for each site language.
CATALOG = {"zh": "zh-CN", "en": "en"}
#: The schema keyword that holds a description in each language.
DESCRIPTION = {"en": "description", "zh": "x-description-zh"}

GROUPS = {
    "PF0": ("读取文件（编码、YAML、输入法）", "Reading the file (encoding, YAML, input method)"),
    "PF1": (
        "格式（缺少或多余的键、类型、取值范围）",
        "The format (missing or unknown keys, types, bounds)",
    ),
    "PF2": (
        "引用与仓库（id、审批、重复计划、忽略注释）",
        "References and the repository (ids, approvals, duplicate plans, suppressions)",
    ),
    "PF3": ("日期、日历与排期", "Dates, the calendar and the schedule"),
    "PF4": ("预算", "The budget"),
    "PF5": ("客户分层与客户数据", "Customer tiers and customer data"),
    "PF6": ("KPI 与公式", "KPIs and formulas"),
    "PF7": ("监控规则", "Monitoring rules"),
    "PF8": ("出文档（render）", "Rendering"),
    "PF9": ("planforge 自身", "planforge itself"),
}

_ENUM_SHOWN = 12

_SECTIONS = {
    "en": ("What it checks:", "Why it matters:", "Example fix:"),
    "zh": ("检查内容：", "为何重要：", "修改示例："),
}
_WORDS = {
    "zh": {
        "severity": "级别",
        "error": "错误",
        "warning": "警告",
        "name": "名称",
        "code": "代码",
        "summary": "说明",
        "all": "全部检查规则",
        "explain": "在命令行查看",
        "suppress": "不想看到这条提示？见",
        "suppress_link": "忽略注释与设置",
        "key": "键",
        "type": "类型",
        "required": "必填",
        "yes": "是",
        "no": "",
        "any": "任意",
        "list": "列表，每项：",
        "one of": "取值：",
        "or": " 或 ",
        "mapping": "键值对",
        "object": "块（下表）",
        "more": "……共 {n} 个",
    },
    "en": {
        "severity": "Severity",
        "error": "error",
        "warning": "warning",
        "name": "Name",
        "code": "Code",
        "summary": "What it means",
        "all": "All rules",
        "explain": "On the command line",
        "suppress": "To silence it, see",
        "suppress_link": "suppressions and settings",
        "key": "Key",
        "type": "Type",
        "required": "Required",
        "yes": "yes",
        "no": "",
        "any": "any",
        "list": "list of ",
        "one of": "one of: ",
        "or": " or ",
        "mapping": "mapping",
        "object": "block (below)",
        "more": "... {n} in all",
    },
}
_TYPES = {
    "zh": {
        "string": "文本",
        "number": "数字",
        "integer": "整数",
        "boolean": "true/false",
        "object": "块",
        "null": "空（~）",
        "array": "列表",
        "id": "id",
        "date": "日期",
        "money": "金额",
        "percent": "百分比",
        "target": "目标",
        "measured": "数值或百分比",
        "texts": "文本列表",
        "span": "天数",
    },
    "en": {
        "string": "text",
        "number": "number",
        "integer": "integer",
        "boolean": "true/false",
        "object": "block",
        "null": "empty (~)",
        "array": "list",
        "id": "id",
        "date": "date",
        "money": "money",
        "percent": "percentage",
        "target": "target",
        "measured": "number or percentage",
        "texts": "list of texts",
        "span": "days",
    },
}


def rule_doc(rule: Rule, lang: str) -> str:
    """The rule's doc in the site language ``lang`` (``zh`` or ``en``)."""
    return rule.doc_in(CATALOG[lang])


def rule_sections(rule: Rule, lang: str) -> dict[str, str]:
    """The doc's summary and its *what*, *why* and *example fix* sections ('' when missing)."""
    doc = rule_doc(rule, lang)
    summary, _, rest = doc.partition("\n\n")
    found = {"summary": " ".join(summary.split()), "what": "", "why": "", "fix": ""}
    labels = dict(zip(("what", "why", "fix"), _SECTIONS[lang], strict=True))
    starts = sorted(
        (m.start(), m.end(), key)
        for key, label in labels.items()
        for m in re.finditer(rf"^{re.escape(label)}", rest, re.M)
    )
    for n, (_, end, key) in enumerate(starts):
        stop = starts[n + 1][0] if n + 1 < len(starts) else len(rest)
        found[key] = rest[end:stop].strip("\n ")
    return found


def _dedent_example(text: str) -> str:
    lines = text.splitlines()
    return "\n".join(line[4:] if line.startswith("    ") else line for line in lines).strip("\n")


def rule_page(rule: Rule, lang: str) -> str:
    """The page of one rule: what, why, example fix, and how to see or silence it."""
    words = _WORDS[lang]
    parts = rule_sections(rule, lang)
    what, why, fix = _SECTIONS[lang]
    severity = words[rule.severity.value]
    explain = f"planforge explain {rule.code}"
    if lang == "zh":
        explain = f"planforge --lang zh-CN explain {rule.code}"
    out = [
        f"# {rule.code} {rule.name}",
        "",
        f"**{parts['summary']}**",
        "",
        f"| {words['code']} | {words['name']} | {words['severity']} |",
        "|---|---|---|",
        f"| `{rule.code}` | `{rule.name}` | {severity} |",
        "",
        f"## {what.rstrip(':：')}",
        "",
        parts["what"],
        "",
        f"## {why.rstrip(':：')}",
        "",
        parts["why"],
        "",
        f"## {fix.rstrip(':：')}",
        "",
        "```yaml",
        _dedent_example(parts["fix"]),
        "```",
        "",
        f"{words['explain']}: `{explain}`." if lang == "en" else f"{words['explain']}：`{explain}`",
        "",
    ]
    if not rule.code.startswith(("PF0", "PF9")):
        link = f"[{words['suppress_link']}](../ci.md#suppressions)"
        out += [f"{words['suppress']} {link}{'。' if lang == 'zh' else '.'}", ""]
    out.append(f"[← {words['all']}](index.md)")
    return "\n".join(out) + "\n"


def rules_index(lang: str) -> str:
    """The table of every rule, grouped by what it looks at, each linking to its page."""
    words = _WORDS[lang]
    if lang == "zh":
        out = [
            "# 检查规则",
            "",
            "`planforge validate` 的每条提示都带一个代码（如 `PF404`）。代码按检查的对象分组，"
            "一经发布永不改作他用。点代码看详细说明：查什么、为什么重要、怎么改。",
            "",
            "命令行里也能查：`planforge rules` 列出全部，`planforge --lang zh-CN explain PF404` 看一条。",
        ]
    else:
        out = [
            "# Rules",
            "",
            "Every finding of `planforge validate` carries a code (`PF404`). Codes are grouped "
            "by what they look at and never reused. Each code's page says what it checks, why "
            "it matters and how to fix it.",
            "",
            "On the command line: `planforge rules` lists them all, `planforge explain PF404` shows one.",
        ]
    group = None
    for rule in all_rules():
        prefix = rule.code[:3]
        if prefix != group:
            group = prefix
            title = GROUPS[prefix][0 if lang == "zh" else 1]
            out += [
                "",
                f"## {prefix}xx {title} {{ #{prefix.lower()}xx }}",
                "",
                f"| {words['code']} | {words['severity']} | {words['name']} | {words['summary']} |",
                "|---|---|---|---|",
            ]
        summary = rule_sections(rule, lang)["summary"].replace("|", "\\|")
        out.append(
            f"| [{rule.code}]({rule.code}.md) | {words[rule.severity.value]} | `{rule.name}` | {summary} |"
        )
    return "\n".join(out) + "\n"


# --- the plan format, from the schema ---------------------------------------------------


def _ref_name(node: dict[str, Any]) -> str | None:
    ref = node.get("$ref", "")
    return ref.rsplit("/", 1)[-1] if ref.startswith("#/definitions/") else None


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    name = _ref_name(node)
    return {**schema["definitions"][name], **node} if name else node


def _is_block(schema: dict[str, Any], node: dict[str, Any]) -> bool:
    return "properties" in _resolve(schema, node)


def _type(schema: dict[str, Any], node: dict[str, Any], lang: str, anchor: str) -> str:
    words, types = _WORDS[lang], _TYPES[lang]
    name = _ref_name(node)
    if name and "properties" not in schema["definitions"][name]:
        return types.get(name, name)
    node = _resolve(schema, node)
    if "properties" in node:
        return f"[{words['object']}](#{anchor})"
    if "enum" in node:
        shown = [f"`{v}`" for v in node["enum"][:_ENUM_SHOWN]]
        if len(node["enum"]) > _ENUM_SHOWN:
            shown.append(words["more"].format(n=len(node["enum"])))
        return words["one of"] + ", ".join(shown)
    if "const" in node:
        return f"`{node['const']}`"
    if "oneOf" in node or "anyOf" in node:
        options = node.get("oneOf") or node.get("anyOf")
        return words["or"].join(_type(schema, o, lang, anchor) for o in options)
    kind = node.get("type")
    if kind == "array":
        items = node.get("items", {})
        if _is_block(schema, items):
            return f"{words['list']}[{words['object']}](#{anchor})"
        return words["list"] + _type(schema, items, lang, anchor)
    if kind == "object":
        named = node.get("additionalProperties")
        if isinstance(named, dict):
            options = named.get("oneOf", []) + named.get("anyOf", []) or [named]
            kinds = [_type(schema, o, lang, f"{anchor}-name") for o in options]
            return f"{words['mapping']}: " + words["or"].join(kinds)
        return words["mapping"]
    if isinstance(kind, list):
        return words["or"].join(types.get(k, k) for k in kind)
    return types.get(kind, words["any"]) if kind else words["any"]


def blocks(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every block of keys in the schema, as (dotted path, resolved node), plan first."""
    seen: set[int] = set()

    def walk(path: str, node: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
        node = _resolve(schema, node)
        if node.get("type") == "array" or "items" in node:
            yield from walk(f"{path}[]", node.get("items", {}))
            return
        for option in node.get("oneOf", []) + node.get("anyOf", []):
            yield from walk(path, option)
        named = node.get("additionalProperties")
        if isinstance(named, dict):  # a mapping of names you choose (`outcomes`, `measures`)
            yield from walk(f"{path}.<name>", named)
        if "properties" not in node:
            return
        if id(node.get("properties")) in seen:
            return
        seen.add(id(node.get("properties")))
        yield path, node
        for key, child in node["properties"].items():
            yield from walk(f"{path}.{key}" if path else key, child)

    yield from walk("", schema)


def schema_keys(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every key of every block, as (dotted path, the key's own schema node)."""
    for path, node in blocks(schema):
        for key, child in node["properties"].items():
            yield (f"{path}.{key}" if path else key), child


def described_nodes(schema: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema node that carries a description (the ones editors show on hover)."""
    if isinstance(schema, dict):
        if isinstance(schema.get("description"), str):
            yield where or "(plan)", schema
        for key, value in schema.items():
            yield from described_nodes(value, f"{where}/{key}")
    elif isinstance(schema, list):
        for n, value in enumerate(schema):
            yield from described_nodes(value, f"{where}/{n}")


def _anchor(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", (path or "plan").lower()).strip("-")


def schema_reference(schema: dict[str, Any], lang: str) -> str:
    """One table per block of the plan: key, type, required, description."""
    words, field = _WORDS[lang], DESCRIPTION[lang]
    out: list[str] = []
    for path, node in blocks(schema):
        heading = (
            f"`{path}`" if path else ("计划（顶层）" if lang == "zh" else "The plan (top level)")
        )
        out += ["", f"## {heading} {{ #{_anchor(path)} }}", ""]
        if path and node.get(field):
            out += [node[field], ""]
        out += [
            f"| {words['key']} | {words['type']} | {words['required']} | |",
            "|---|---|---|---|",
        ]
        required = set(node.get("required", ()))
        for key, child in node["properties"].items():
            sub = f"{path}.{key}" if path else key
            target = sub
            resolved = _resolve(schema, child)
            if resolved.get("type") == "array" or "items" in resolved:
                target = f"{sub}[]"
            kind = _type(schema, child, lang, _anchor(target))
            about = child.get(field) or _resolve(schema, child).get(field, "")
            about = about.replace("|", "\\|").replace("\n", " ")
            mark = words["yes"] if key in required else words["no"]
            out.append(f"| `{key}` | {kind} | {mark} | {about} |")
    return "\n".join(out).lstrip("\n") + "\n"
