// gba-dataflow web page: check a manifest with POST /v1/check and show the decision as `check` does.
// Everything is built with DOM calls and textContent (never innerHTML), so nothing from a manifest or a
// result can run as markup. No asset comes from outside this service.
"use strict";

const TEXTS = {
  en: {
    title: "Check a cross-boundary data transfer",
    skip: "Skip to the manifest",
    language: "Language",
    intro: "Paste or upload a transfer manifest (YAML or JSON), or fill in the form. The rules decide ALLOW or " +
      "DENY, with the reasons, the law they cite, what must still be done and how to fix a denial.",
    manifestHeading: "Manifest",
    modeText: "Manifest text",
    modeForm: "Form",
    manifestLabel: "Manifest (YAML or JSON)",
    manifestHelp: "Start from `gba-dataflow new manifest`, or upload a file.",
    upload: "Upload a manifest file",
    formHelp: "Each field shows the template's help text. Empty fields take their defaults.",
    asOf: "Decide as of (optional)",
    check: "Check",
    resultHeading: "Decision",
    downloadManifest: "Download the manifest",
    downloadResult: "Download the JSON result",
    sourceHeading: "The manifest, with the facts that decided",
    footer: "gba-dataflow decision service. Nothing you check here is stored unless your organisation " +
      "records it in its ledger.",
    allow: "✔ ALLOW",
    deny: "✘ DENY",
    error: "ERROR: the manifest could not be checked",
    reasons: "Reasons",
    obligations: "Must still be done",
    met: "Already met",
    warnings: "Warnings",
    remedies: "To fix",
    errors: "Errors",
    closest: "Would allow if",
    at: "line {line}, column {column}",
    factAt: "line {line}",
    checking: "Checking…",
    done: "Decided: {verdict}",
    empty: "Paste, upload or fill in a manifest first.",
    refused: "The service refused the request:",
    unreachable: "The service cannot be reached. Try again.",
    add: "Add",
    remove: "Remove",
    required: "(required)",
    notSet: "(not set)",
    item: "Item {n}",
    route: "Route",
    effect_allow: "allow",
    effect_deny: "deny",
    effect_warn: "warn",
  },
  "zh-Hans": {
    title: "检查跨境数据传输",
    skip: "跳到清单",
    language: "语言",
    intro: "粘贴或上传传输清单（YAML 或 JSON），或填写表单。规则作出允许或拒绝的决定，并给出理由、所引法律、" +
      "仍须完成的事项以及如何纠正拒绝。",
    manifestHeading: "清单",
    modeText: "清单文本",
    modeForm: "表单",
    manifestLabel: "清单（YAML 或 JSON）",
    manifestHelp: "可从 `gba-dataflow new manifest` 开始，或上传文件。",
    upload: "上传清单文件",
    formHelp: "每个字段旁附有模板的说明。留空的字段取默认值。",
    asOf: "评估日期（可选）",
    check: "检查",
    resultHeading: "决定",
    downloadManifest: "下载清单",
    downloadResult: "下载 JSON 结果",
    sourceHeading: "清单原文（标出作出决定的事实）",
    footer: "gba-dataflow 决策服务。除非贵机构将其记入台账，否则在此检查的内容不会被保存。",
    allow: "✔ 允许",
    deny: "✘ 拒绝",
    error: "错误：无法检查该清单",
    reasons: "理由",
    obligations: "仍须完成",
    met: "已履行",
    warnings: "警告",
    remedies: "如何纠正",
    errors: "错误",
    closest: "满足以下条件即可允许",
    at: "第 {line} 行，第 {column} 列",
    factAt: "第 {line} 行",
    checking: "正在检查…",
    done: "已决定：{verdict}",
    empty: "请先粘贴、上传或填写清单。",
    refused: "服务拒绝了该请求：",
    unreachable: "无法连接服务，请重试。",
    add: "添加",
    remove: "删除",
    required: "（必填）",
    notSet: "（未设置）",
    item: "第 {n} 项",
    route: "路线",
    effect_allow: "允许",
    effect_deny: "拒绝",
    effect_warn: "警告",
  },
  "zh-Hant": {
    title: "檢查跨境資料傳輸",
    skip: "跳到清單",
    language: "語言",
    intro: "貼上或上載傳輸清單（YAML 或 JSON），或填寫表格。規則作出允許或拒絕的決定，並列出理由、所引法律、" +
      "仍須完成的事項以及如何糾正拒絕。",
    manifestHeading: "清單",
    modeText: "清單文字",
    modeForm: "表格",
    manifestLabel: "清單（YAML 或 JSON）",
    manifestHelp: "可從 `gba-dataflow new manifest` 開始，或上載檔案。",
    upload: "上載清單檔案",
    formHelp: "每個欄位旁附有範本的說明。留空的欄位取預設值。",
    asOf: "評估日期（可選）",
    check: "檢查",
    resultHeading: "決定",
    downloadManifest: "下載清單",
    downloadResult: "下載 JSON 結果",
    sourceHeading: "清單原文（標示作出決定的事實）",
    footer: "gba-dataflow 決策服務。除非貴機構將其記入台賬，否則在此檢查的內容不會被儲存。",
    allow: "✔ 允許",
    deny: "✘ 拒絕",
    error: "錯誤：無法檢查該清單",
    reasons: "理由",
    obligations: "仍須完成",
    met: "已履行",
    warnings: "警告",
    remedies: "如何糾正",
    errors: "錯誤",
    closest: "符合以下條件即可允許",
    at: "第 {line} 行，第 {column} 列",
    factAt: "第 {line} 行",
    checking: "正在檢查…",
    done: "已決定：{verdict}",
    empty: "請先貼上、上載或填寫清單。",
    refused: "服務拒絕了該請求：",
    unreachable: "無法連接服務，請重試。",
    add: "新增",
    remove: "刪除",
    required: "（必填）",
    notSet: "（未設定）",
    item: "第 {n} 項",
    route: "路線",
    effect_allow: "允許",
    effect_deny: "拒絕",
    effect_warn: "警告",
  },
};

const state = { lang: "en", schema: null, last: null, lastName: "manifest", mode: "text" };

// A date from the form: written bare in YAML, so that the manifest holds a date, not a text.
class DateValue {
  constructor(value) { this.value = value; }
}

function t(key, values) {
  const text = (TEXTS[state.lang] || TEXTS.en)[key] || TEXTS.en[key] || key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (values && name in values ? String(values[name]) : ""));
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function $(id) { return document.getElementById(id); }

// ---- language ---------------------------------------------------------------------------------

function applyLanguage() {
  document.documentElement.lang = state.lang;
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  document.title = "gba-dataflow: " + t("title");
  document.querySelector(".modes").setAttribute("aria-label", t("manifestHeading"));
  if (state.schema) buildForm();
}

// ---- the form generated from the manifest schema --------------------------------------------

function kindOf(node) {
  const types = Array.isArray(node.type) ? node.type : [node.type];
  const main = types.find((type) => type !== "null") || "string";
  return { main, nullable: types.includes("null") };
}

function fieldId(pointer) { return "f" + pointer.replace(/[^A-Za-z0-9]/g, "-"); }

function buildForm() {
  const container = $("form-fields");
  const values = state.schema && container.childElementCount ? readForm() : null;
  container.replaceChildren(objectFields(state.schema, "", true));
  if (values) fillForm(values, "");
}

function objectFields(node, pointer, top) {
  const wrapper = top ? el("div") : el("fieldset", { "data-pointer": pointer }, el("legend", { text: pointer.slice(1).replaceAll("/", ".") }));
  if (!top && node.description) wrapper.append(el("p", { class: "help", text: node.description }));
  const required = new Set(node.required || []);
  for (const [name, child] of Object.entries(node.properties || {})) {
    wrapper.append(fieldFor(child, pointer + "/" + name, name, required.has(name)));
  }
  return wrapper;
}

function fieldFor(node, pointer, name, required) {
  const { main } = kindOf(node);
  if (main === "object") return objectFields(node, pointer, false);
  if (main === "array") return arrayField(node, pointer, name);
  const id = fieldId(pointer);
  const help = id + "-help";
  const label = el("label", { for: id }, pointer.slice(1).replaceAll("/", "."), required ? " " + t("required") : null);
  const described = node.description ? help : null;
  let input;
  if (node.const !== undefined) {
    input = el("input", { type: "text", id, value: node.const, readonly: true, "aria-describedby": described });
  } else if (node.enum) {
    input = el("select", { id, "aria-describedby": described, required });
    input.append(el("option", { value: "", text: t("notSet") }));
    for (const choice of node.enum) if (choice !== null) input.append(el("option", { value: choice, text: choice }));
  } else if (main === "boolean") {
    input = el("input", { type: "checkbox", id, "aria-describedby": described });
    const box = el("div", { class: "field checkbox", "data-pointer": pointer, "data-kind": "boolean" }, input, label);
    if (node.description) box.append(el("p", { class: "help", id: help, text: node.description }));
    return box;
  } else if (main === "integer" || main === "number") {
    input = el("input", { type: "number", id, min: node.minimum, step: main === "integer" ? 1 : "any", "aria-describedby": described, required });
  } else if (node.format === "date") {
    input = el("input", { type: "date", id, "aria-describedby": described, required });
  } else {
    input = el("input", { type: "text", id, "aria-describedby": described, required, maxlength: node.maxLength });
  }
  const field = el("div", { class: "field", "data-pointer": pointer, "data-kind": node.format === "date" ? "date" : main }, label, input);
  if (node.description) field.append(el("p", { class: "help", id: help, text: node.description }));
  return field;
}

function arrayField(node, pointer, name) {
  const set = el("fieldset", { "data-pointer": pointer, "data-kind": "array" }, el("legend", { text: pointer.slice(1).replaceAll("/", ".") }));
  if (node.description) set.append(el("p", { class: "help", text: node.description }));
  const rows = el("div", { class: "rows" });
  const add = el("button", { type: "button", class: "small", text: t("add") + ": " + name });
  add.addEventListener("click", () => addRow(node, pointer, rows));
  set.append(rows, add);
  addRow(node, pointer, rows);
  return set;
}

function addRow(node, pointer, rows) {
  const index = rows.childElementCount;
  const row = objectFields(node.items, pointer + "/" + index, false);
  row.querySelector("legend").textContent = t("item", { n: index + 1 });
  const remove = el("button", { type: "button", class: "small", text: t("remove") });
  remove.addEventListener("click", () => { row.remove(); });
  row.append(remove);
  rows.append(row);
  return row;
}

// Read the form into a plain object: empty fields are left out (their defaults apply).
function readForm() {
  return readObject($("form-fields").firstElementChild);
}

function readObject(container) {
  const out = {};
  for (const child of container.children) {
    const pointer = child.dataset.pointer;
    if (!pointer) continue;
    const key = pointer.split("/").pop();
    const value = readNode(child);
    if (value !== undefined) out[key] = value;
  }
  return Object.keys(out).length ? out : undefined;
}

function readNode(node) {
  const kind = node.dataset.kind;
  if (node.tagName === "FIELDSET" && kind !== "array") return readObject(node);
  if (kind === "array") {
    const items = [...node.querySelector(".rows").children].map(readObject).filter((item) => item !== undefined);
    return items.length ? items : undefined;
  }
  const input = node.querySelector("input, select");
  if (kind === "boolean") return input.checked ? true : undefined;
  if (input.value === "") return undefined;
  if (kind === "integer") return Number.parseInt(input.value, 10);
  if (kind === "number") return Number(input.value);
  if (kind === "date") return new DateValue(input.value);
  return input.value;
}

function fillForm(values, pointer) {
  for (const [key, value] of Object.entries(values || {})) {
    const here = pointer + "/" + key;
    if (value && typeof value === "object" && !Array.isArray(value) && !(value instanceof DateValue)) fillForm(value, here);
    else if (Array.isArray(value)) {
      const set = document.querySelector(`fieldset[data-pointer="${here}"]`);
      if (!set) continue;
      const rows = set.querySelector(".rows");
      while (rows.childElementCount < value.length) set.querySelector(":scope > button").click();
      value.forEach((item, index) => fillForm(item, here + "/" + index));
    } else {
      const input = document.getElementById(fieldId(here));
      if (!input) continue;
      if (input.type === "checkbox") input.checked = value === true;
      else input.value = value instanceof DateValue ? value.value : String(value);
    }
  }
}

// A small YAML writer for what the form gives: mappings, lists of mappings, and scalars. Texts are
// written as double-quoted strings (JSON's quoting is valid YAML), dates bare so that they stay dates.
function toYaml(value, indent) {
  const pad = " ".repeat(indent);
  const lines = [];
  for (const [key, item] of Object.entries(value)) {
    if (Array.isArray(item)) {
      lines.push(`${pad}${key}:`);
      for (const element of item) {
        const inner = toYaml(element, indent + 4).split("\n");
        lines.push(`${pad}  - ${inner[0].trimStart()}`, ...inner.slice(1));
      }
    } else if (item && typeof item === "object" && !(item instanceof DateValue)) {
      lines.push(`${pad}${key}:`, toYaml(item, indent + 2));
    } else {
      lines.push(`${pad}${key}: ${scalar(item)}`);
    }
  }
  return lines.join("\n");
}

function scalar(value) {
  if (value instanceof DateValue) return value.value;
  if (typeof value === "string") return JSON.stringify(value);
  return String(value);
}

function setMode(mode) {
  if (mode === "text" && state.mode === "form") {
    const values = readForm();
    if (values) $("manifest").value = toYaml(values, 0) + "\n";
  }
  state.mode = mode;
  $("mode-text").setAttribute("aria-pressed", String(mode === "text"));
  $("mode-form").setAttribute("aria-pressed", String(mode === "form"));
  $("text-input").hidden = mode !== "text";
  $("form-input").hidden = mode !== "form";
}

// ---- checking -----------------------------------------------------------------------------------

async function check() {
  if (state.mode === "form") {
    const values = readForm();
    $("manifest").value = values ? toYaml(values, 0) + "\n" : "";
  }
  const text = $("manifest").value;
  const status = $("status");
  if (!text.trim()) {
    status.textContent = t("empty");
    return;
  }
  status.textContent = t("checking");
  const query = new URLSearchParams({ lang: state.lang, name: state.lastName });
  // in Chinese, errors and warnings also carry their message and hint in that language (`localized`)
  if (state.lang !== "en") query.set("localized", "true");
  if ($("as-of").value) query.set("as_of", $("as-of").value);
  let response;
  try {
    response = await fetch("/v1/check?" + query, {
      method: "POST",
      headers: { "Content-Type": "text/plain; charset=utf-8" },
      body: text,
    });
  } catch (error) {
    status.textContent = t("unreachable");
    return;
  }
  const body = await response.text();
  let document_;
  try {
    document_ = JSON.parse(body);
  } catch (error) {
    status.textContent = t("unreachable");
    return;
  }
  if (document_.errors && !document_.results) {
    showRefusal(document_.errors);
    return;
  }
  state.last = { document: document_, body: reportOf(body, document_), text };
  render();
  $("result-heading").focus();
}

// The result to download exactly as `check --format json` writes it: the body without the `localized` texts
// the page asked for. Each is the last member of its warning or error, in the order of the document
// (a result's warnings come before its errors), and written as JSON.stringify writes it.
function reportOf(body, doc) {
  let report = "";
  let from = 0;
  for (const result of doc.results) {
    for (const item of [...result.warnings, ...result.errors]) {
      if (!item.localized) continue;
      const member = ',"localized":' + JSON.stringify(item.localized);
      const at = body.indexOf(member, from);
      if (at === -1) return body;
      report += body.slice(from, at);
      from = at + member.length;
    }
  }
  return report + body.slice(from);
}

function showRefusal(errors) {
  $("status").textContent = t("refused");
  $("result").replaceChildren(errorList(errors));
  $("downloads").hidden = true;
  $("source").hidden = true;
  $("source-heading").hidden = true;
}

function render() {
  const { document: doc, body, text } = state.last;
  const result = doc.results[0];
  const verdict = result.decision;
  $("status").textContent = t("done", { verdict: t(verdict) });
  const out = [el("p", { class: "verdict " + verdict, id: "verdict", text: t(verdict) })];
  if (result.route && result.route.origin) {
    const route = result.route;
    const from = [route.origin, route.origin_city].filter(Boolean).join(" ");
    const to = [route.destination, route.destination_city].filter(Boolean).join(" ");
    out.push(el("p", { class: "route" }, t("route") + ": " + from + " → " + to + (result.id ? "  (" + result.id + ")" : "")));
  }
  const factLines = new Set();
  const addFacts = (facts) => facts.forEach((fact) => fact.line && factLines.add(fact.line));
  if (result.reasons.length) {
    out.push(el("h3", { text: t("reasons") }));
    const list = el("ul", { class: "items", id: "reasons" });
    for (const reason of result.reasons) {
      addFacts(reason.facts);
      list.append(el("li", {},
        el("div", {}, reason.message),
        el("div", { class: "rule-id", text: reason.rule + " (" + t("effect_" + reason.effect) + ")" }),
        ...reason.citations.map((cite) => el("p", { class: "cite", text: cite })),
        factList(reason.facts)));
    }
    out.push(list);
  }
  const toDo = result.obligations.filter((item) => item.status !== "met");
  const met = result.obligations.filter((item) => item.status === "met");
  if (toDo.length) {
    out.push(el("h3", { text: t("obligations") }));
    out.push(el("ul", { class: "items", id: "obligations" }, ...toDo.map((item) =>
      el("li", {}, el("div", {}, item.text), el("div", { class: "rule-id", text: item.rule })))));
  }
  if (met.length) {  // obligations the manifest shows already met (`met` texts of duty-met rules)
    out.push(el("h3", { text: t("met") }));
    out.push(el("ul", { class: "items met", id: "met-obligations" }, ...met.map((item) =>
      el("li", {}, el("div", {}, "✔ " + item.text), el("div", { class: "rule-id", text: item.rule })))));
  }
  if (result.warnings.length) {
    out.push(el("h3", { text: t("warnings") }));
    out.push(el("ul", { class: "items", id: "warnings" }, ...result.warnings.map((item) => {
      addFacts(item.facts);
      return el("li", {}, el("div", {}, said(item).message),
        el("div", { class: "rule-id", text: item.rule || item.code || "" }), factList(item.facts));
    })));
  }
  if (result.remedies.length) {
    out.push(el("h3", { text: t("remedies") }));
    out.push(el("ul", { class: "items", id: "remedies" }, ...result.remedies.map((item) => {
      const failed = item.failed_conditions.map((failed) => {
        addFacts(failed.facts);
        return el("li", {}, failed.suggestion || failed.condition, factList(failed.facts));
      });
      return el("li", {}, el("div", {}, item.text), el("div", { class: "rule-id", text: item.rule }),
        failed.length ? el("p", { class: "help", text: t("closest") }) : null,
        failed.length ? el("ul", {}, ...failed) : null);
    })));
  }
  const badLines = new Set(result.errors.map((error) => error.line).filter(Boolean));
  if (result.errors.length) {
    out.push(el("h3", { text: t("errors") }));
    out.push(errorList(result.errors));
  }
  $("result").replaceChildren(...out);
  showSource(text, factLines, badLines);
  setDownloads(text, body, result.id);
}

function factList(facts) {
  if (!facts || !facts.length) return null;
  return el("ul", { class: "facts" }, ...facts.map((fact) => {
    const value = JSON.stringify(fact.value);
    const where = fact.line ? el("a", { href: "#line-" + fact.line, text: t("factAt", { line: fact.line }) }) : null;
    return el("li", {}, el("code", { text: fact.path }), " = " + value + " ", where);
  }));
}

// An error's or warning's texts in the page's language: its `localized` texts when the service gave them.
function said(item) {
  return item.localized || item;
}

function errorList(errors) {
  return el("ul", { class: "items", id: "errors" }, ...errors.map((error) => {
    const where = error.line ? t("at", { line: error.line, column: error.column }) : "";
    const { message, hint } = said(error);
    return el("li", {},
      el("span", { class: "error-code", text: error.code }), " " + message,
      where || error.json_path ? el("div", { class: "where" },
        error.line ? el("a", { href: "#line-" + error.line, text: where }) : null,
        error.json_path ? "  " + error.json_path : null) : null,
      hint ? el("p", { class: "help", text: hint }) : null);
  }));
}

function showSource(text, factLines, badLines) {
  const list = $("source");
  const lines = text.replace(/\n$/, "").split("\n");
  list.replaceChildren(...lines.map((line, index) => {
    const number = index + 1;
    const cls = badLines.has(number) ? "bad" : factLines.has(number) ? "fact" : null;
    return el("li", { id: "line-" + number, class: cls }, line || " ");
  }));
  list.hidden = false;
  $("source-heading").hidden = false;
}

function manifestFileName(text, base) {
  if (/\.(ya?ml|json)$/i.test(state.lastName)) return state.lastName.split(/[\\/]/).pop();
  return base + (text.trimStart().startsWith("{") ? ".json" : ".yaml");
}

function setDownloads(text, body, id) {
  const base = id || "manifest";
  for (const [anchor, content, name, type] of [
    ["download-manifest", text, manifestFileName(text, base), "text/plain"],
    ["download-result", body, base + ".decision.json", "application/json"],
  ]) {
    const link = $(anchor);
    if (link.href.startsWith("blob:")) URL.revokeObjectURL(link.href);
    link.href = URL.createObjectURL(new Blob([content], { type: type + ";charset=utf-8" }));
    link.download = name;
  }
  $("downloads").hidden = false;
}

// ---- start ------------------------------------------------------------------------------------

async function start() {
  const wanted = new URLSearchParams(location.search).get("lang");
  const preferred = wanted || (navigator.language || "en");
  state.lang = TEXTS[preferred] ? preferred
    : /^zh-(TW|HK|MO|Hant)/i.test(preferred) ? "zh-Hant"
      : /^zh/i.test(preferred) ? "zh-Hans" : "en";
  $("lang").value = state.lang;
  applyLanguage();
  $("lang").addEventListener("change", () => {
    state.lang = $("lang").value;
    applyLanguage();
    if (state.last) check();
  });
  $("check").addEventListener("click", check);
  $("manifest").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) check();
  });
  $("manifest").addEventListener("input", () => { state.lastName = "manifest"; });
  $("upload").addEventListener("change", async () => {
    const file = $("upload").files[0];
    if (!file) return;
    $("manifest").value = await file.text();
    state.lastName = file.name;
    setMode("text");
  });
  $("mode-text").addEventListener("click", () => setMode("text"));
  $("mode-form").addEventListener("click", () => setMode("form"));
  try {
    const response = await fetch("/v1/schema/manifest");
    state.schema = await response.json();
    buildForm();
  } catch (error) {
    $("mode-form").disabled = true;
  }
}

document.addEventListener("DOMContentLoaded", start);
