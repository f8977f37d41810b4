"""Every word the reports for people write themselves, in each `--lang`: verdicts, headings, row labels, the
summary and the framing of diagnostics. Rule texts (messages, obligations, remedies) carry their own
translations in the rules; what is here is only what gba-dataflow adds around them.

A language without an entry falls back to English, key by key, so a new key never breaks a report.
"""

from __future__ import annotations

from collections.abc import Mapping

from gba_dataflow.core.errors import Diagnostic

LANGUAGES = ("en", "zh-Hans", "zh-Hant")

_EN: Mapping[str, str] = {
    "allow": "✔ ALLOW",
    "deny": "✘ DENY",
    "error": "! ERROR",
    "id": "(id: {id})",
    "as_of": "as of {date}",
    "reasons": "Reasons:",
    "obligations": "Must still be done:",
    "warnings": "Warnings:",
    "remedies": "To fix:",
    "errors": "Errors:",
    "cite": "cite",
    "fact": "fact",
    "source": "source",
    "at": "at",
    "line": " (line {line})",
    "facts_above": "and {count} facts listed above",
    "fact_above": "and 1 fact listed above",
    "closest_allow": "closest allow: ",
    "warning": "warning",
    "quiet_warnings": "! {count} warnings",
    "quiet_warning": "! 1 warning",
    "summary": "{total} {manifests}: {allow} allowed, {deny} denied, {error} with input errors, "
    "{warned} with warnings",
    "manifest": "manifest",
    "manifests": "manifests",
    "by_rule": "manifests per rule that fired:",
    "kind_deny": "deny rule",
    "kind_allow": "allow rule",
    "kind_warn": "warn rule",
    "kind_error": "input error",
    "severity_error": "error",
    "severity_warning": "warning",
    "severity_info": "info",
    "diag_at": "at",
    "diag_note": "note",
    "diag_hint": "hint",
    # explain
    "rule_filter": "rule {rule}",
    "ruleset": "ruleset",
    "applies": "applies → {decision}",
    "does_not_apply": "does not apply",
    "applies_when": "applies when ",
    "applies_always": "✔ applies to every transfer (no `applies when`)",
    "no_ruleset": "no ruleset",
    "fires": "fires",
    "does not hold": "does not hold",
    "not evaluated": "not evaluated",
    "not_evaluated_ruleset": "not evaluated: the ruleset does not apply",
    "inactive": "inactive on this date ({window})",
    "would_hold": ", would hold",
    "effective": "effective",
    "from": "from {date}",
    "until": "until {date}",
    "error_holds": "error: counts as holding (fail closed)",
    "error_not_holds": "error: counts as not holding",
    "not_evaluated_mark": "(not evaluated)",
    "fact_line": "(line {line})",
    "effect_allow": "allow",
    "effect_deny": "deny",
    "effect_warn": "warn",
    "note_let": "let {name}",
    "note_none_matched": "no element matched ({count} elements)",
    "note_all_matched": "every element matched ({count} elements)",
    "note_matched": "{var} = {name}: matched",
    "note_failed": "{var} = {name}: failed",
    "fact_not_in_file": "(not in the file)",
    "hidden_rules": "{count} more rules did not fire (--full shows them)",
    "hidden_rule": "1 more rule did not fire (--full shows it)",
    "hidden_rulesets": "{count} rulesets do not apply: {ids}",
    "hidden_ruleset": "1 ruleset does not apply: {ids}",
    "closest_allows": "closest allows (what would have allowed it):",
    "default_deny": "no allow rule holds: denied by default ({id})",
    "deeper": "(+{count} deeper: --depth or --full)",
}

_HANS: Mapping[str, str] = {
    "allow": "✔ 允许",
    "deny": "✘ 拒绝",
    "error": "! 错误",
    "id": "（编号：{id}）",
    "as_of": "截至 {date}",
    "reasons": "理由：",
    "obligations": "仍须完成：",
    "warnings": "警告：",
    "remedies": "如何纠正：",
    "errors": "错误：",
    "cite": "依据",
    "fact": "事实",
    "source": "来源",
    "at": "位置",
    "line": "（第 {line} 行）",
    "facts_above": "另有 {count} 项事实已在上文列出",
    "fact_above": "另有 1 项事实已在上文列出",
    "closest_allow": "最接近的允许规则：",
    "warning": "警告",
    "quiet_warnings": "! {count} 项警告",
    "quiet_warning": "! 1 项警告",
    "summary": "{total} 份清单：允许 {allow}，拒绝 {deny}，输入错误 {error}，有警告 {warned}",
    "manifest": "份清单",
    "manifests": "份清单",
    "by_rule": "各触发规则涉及的清单数：",
    "kind_deny": "拒绝规则",
    "kind_allow": "允许规则",
    "kind_warn": "警告规则",
    "kind_error": "输入错误",
    "severity_error": "错误",
    "severity_warning": "警告",
    "severity_info": "提示",
    "diag_at": "位置",
    "diag_note": "说明",
    "diag_hint": "建议",
    "rule_filter": "规则 {rule}",
    "ruleset": "规则集",
    "applies": "适用 → {decision}",
    "does_not_apply": "不适用",
    "applies_when": "适用条件 ",
    "applies_always": "✔ 适用于所有传输（无适用条件）",
    "no_ruleset": "无规则集",
    "fires": "触发",
    "does not hold": "不成立",
    "not evaluated": "未求值",
    "not_evaluated_ruleset": "未求值：规则集不适用",
    "inactive": "在此日期未生效（{window}）",
    "would_hold": "，否则将成立",
    "effective": "生效期",
    "from": "自 {date}",
    "until": "至 {date}",
    "error_holds": "错误：视为成立（失败即拒绝）",
    "error_not_holds": "错误：视为不成立",
    "not_evaluated_mark": "（未求值）",
    "fact_line": "（第 {line} 行）",
    "effect_allow": "允许",
    "effect_deny": "拒绝",
    "effect_warn": "警告",
    "note_let": "定义 {name}",
    "note_none_matched": "无元素匹配（{count} 个元素）",
    "note_all_matched": "所有元素均匹配（{count} 个元素）",
    "note_matched": "{var} = {name}：匹配",
    "note_failed": "{var} = {name}：不匹配",
    "fact_not_in_file": "（不在文件中）",
    "hidden_rules": "另有 {count} 条规则未触发（--full 可显示）",
    "hidden_rule": "另有 1 条规则未触发（--full 可显示）",
    "hidden_rulesets": "{count} 个规则集不适用：{ids}",
    "hidden_ruleset": "1 个规则集不适用：{ids}",
    "closest_allows": "最接近的允许规则（满足即可允许）：",
    "default_deny": "没有允许规则成立：默认拒绝（{id}）",
    "deeper": "（另有 {count} 个更深层条件：--depth 或 --full）",
}

_HANT: Mapping[str, str] = {
    **_HANS,
    "cite": "依據",
    "diag_hint": "建議",
    "note_let": "定義 {name}",
    "allow": "✔ 允許",
    "deny": "✘ 拒絕",
    "error": "! 錯誤",
    "id": "（編號：{id}）",
    "obligations": "仍須完成：",
    "remedies": "如何糾正：",
    "errors": "錯誤：",
    "fact": "事實",
    "source": "來源",
    "facts_above": "另有 {count} 項事實已在上文列出",
    "fact_above": "另有 1 項事實已在上文列出",
    "closest_allow": "最接近的允許規則：",
    "quiet_warnings": "! {count} 項警告",
    "quiet_warning": "! 1 項警告",
    "summary": "{total} 份清單：允許 {allow}，拒絕 {deny}，輸入錯誤 {error}，有警告 {warned}",
    "manifest": "份清單",
    "manifests": "份清單",
    "by_rule": "各觸發規則涉及的清單數：",
    "kind_deny": "拒絕規則",
    "kind_allow": "允許規則",
    "kind_warn": "警告規則",
    "kind_error": "輸入錯誤",
    "severity_error": "錯誤",
    "diag_note": "說明",
    "rule_filter": "規則 {rule}",
    "ruleset": "規則集",
    "applies": "適用 → {decision}",
    "does_not_apply": "不適用",
    "applies_when": "適用條件 ",
    "applies_always": "✔ 適用於所有傳輸（無適用條件）",
    "no_ruleset": "無規則集",
    "fires": "觸發",
    "not_evaluated_ruleset": "未求值：規則集不適用",
    "inactive": "在此日期未生效（{window}）",
    "would_hold": "，否則將成立",
    "effective": "生效期",
    "error_holds": "錯誤：視為成立（失敗即拒絕）",
    "error_not_holds": "錯誤：視為不成立",
    "hidden_rules": "另有 {count} 條規則未觸發（--full 可顯示）",
    "hidden_rule": "另有 1 條規則未觸發（--full 可顯示）",
    "hidden_rulesets": "{count} 個規則集不適用：{ids}",
    "hidden_ruleset": "1 個規則集不適用：{ids}",
    "closest_allows": "最接近的允許規則（滿足即可允許）：",
    "default_deny": "沒有允許規則成立：默認拒絕（{id}）",
    "deeper": "（另有 {count} 個更深層條件：--depth 或 --full）",
    "effect_allow": "允許",
    "effect_deny": "拒絕",
    "note_all_matched": "所有元素均匹配（{count} 個元素）",
    "note_none_matched": "無元素匹配（{count} 個元素）",
}

LABELS: Mapping[str, Mapping[str, str]] = {"en": _EN, "zh-Hans": _HANS, "zh-Hant": _HANT}


def label(lang: str, key: str, **values: object) -> str:
    """The label `key` in `lang` (English where `lang` has none), with `values` filled in."""
    template = LABELS.get(lang, _EN).get(key) or _EN[key]
    return template.format(**values) if values else template


def render_diagnostic(diagnostic: Diagnostic, lang: str = "en") -> str:
    """`Diagnostic.render()` with its framing words (severity, `at`, `note`, `hint`) in `lang`; the message
    and hint are the diagnostic's own. In English it is exactly `Diagnostic.render()`."""
    if lang not in LABELS or lang == "en":
        return diagnostic.render()
    where = f"{diagnostic.span}: " if diagnostic.span else ""
    severity = label(lang, f"severity_{diagnostic.severity.value}")
    lines = [f"{where}{severity} {diagnostic.code}: {diagnostic.message}"]
    if diagnostic.json_path:
        lines.append(f"  {label(lang, 'diag_at')} {diagnostic.json_path}")
    if diagnostic.excerpt:
        lines.append(diagnostic.excerpt)
    lines.extend(f"  {label(lang, 'diag_note')}: {note}" for note in diagnostic.notes)
    if diagnostic.hint:
        lines.append(f"  {label(lang, 'diag_hint')}: {diagnostic.hint}")
    return "\n".join(lines)
