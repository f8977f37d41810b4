"""The web page as a data steward uses it, in headless Chromium (Debian's `chromium`, driven by Playwright
for Python; no browser download). Skipped where no chromium is installed, unless
GBA_DATAFLOW_REQUIRE_BROWSER=1 (as in CI, where a skip would hide that they did not run)."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from service_helpers import ALLOWED, DENIED, RULES, RunningServer, example_text, running_server

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = os.environ.get("GBA_DATAFLOW_SCREENSHOTS")
"""A directory to save the page's screenshots in (for a person to look at), if set."""

CONTRAST = """(selector) => {
  const channel = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
  const luminance = (rgb) => { const [r, g, b] = rgb.match(/\\d+(\\.\\d+)?/g).map(Number);
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b); };
  const background = (node) => { while (node) { const c = getComputedStyle(node).backgroundColor;
    if (c && !c.startsWith('rgba(0, 0, 0, 0)') && c !== 'transparent') return c; node = node.parentElement; }
    return 'rgb(255, 255, 255)'; };
  const node = document.querySelector(selector);
  const a = luminance(getComputedStyle(node).color), b = luminance(background(node));
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("GBA_DATAFLOW_REQUIRE_BROWSER") == "1":
            pytest.fail(
                "chromium is not installed (apt-get install chromium), and the browser tests must run"
            )
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def server(cli_command: list[str]) -> Iterator[RunningServer]:
    env = dict(os.environ, NO_COLOR="1")
    with running_server(cli_command, "--rules", str(RULES), env=env) as running:
        yield running


@pytest.fixture()
def page(browser: object, server: RunningServer) -> Iterator[object]:
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, locale="en-GB", accept_downloads=True
    )  # type: ignore[attr-defined]
    opened = context.new_page()
    problems: list[str] = []
    opened.on("pageerror", lambda error: problems.append(str(error)))
    opened.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    expected = "the server responded with a status of 422"  # the answer for a manifest with errors
    opened.goto(server.url + "/")
    expect(opened.locator("#form-fields input").nth(10)).to_be_attached()  # the form is built
    yield opened
    context.close()
    assert [problem for problem in problems if expected not in problem] == []


def screenshot(page: object, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / name), full_page=True)  # type: ignore[attr-defined]


def check_text(page: object, text: str) -> None:
    page.get_by_label("Manifest (YAML or JSON)").fill(text)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Check", exact=True).click()  # type: ignore[attr-defined]
    page.locator("#verdict").wait_for()  # type: ignore[attr-defined]


def test_paste_an_example_and_see_allow_with_reasons_facts_and_downloads(page: object) -> None:
    text = example_text(ALLOWED)
    check_text(page, text)
    assert page.locator("#verdict").text_content() == "✔ ALLOW"  # type: ignore[attr-defined]
    reasons = page.locator("#reasons")  # type: ignore[attr-defined]
    assert "mainland_export/m9_gba_contract_hk" in reasons.text_content()
    assert "GBA HK Guidelines" in reasons.text_content()  # a citation
    assert page.locator("#obligations li").count() > 0  # type: ignore[attr-defined]
    met = page.locator("#met-obligations")  # type: ignore[attr-defined]
    assert met.locator("li").count() == 4 and "✔ The individuals were told" in met.text_content()
    assert "mainland_export/notice_duty_met" in met.text_content()
    to_do = page.locator("#obligations").text_content()  # type: ignore[attr-defined]
    assert "_duty_met" not in reasons.text_content() and "_duty_met" not in to_do
    line = text.splitlines().index("  destination: {region: HK, city: Hong Kong}") + 1
    assert "fact" in page.locator(f"#line-{line}").get_attribute("class")  # type: ignore[attr-defined]
    assert page.evaluate("document.activeElement.id") == "result-heading"  # type: ignore[attr-defined]
    screenshot(page, "allow.png")
    with page.expect_download() as manifest_download:  # type: ignore[attr-defined]
        page.get_by_role("link", name="Download the manifest").click()  # type: ignore[attr-defined]
    assert Path(manifest_download.value.path()).read_text(encoding="utf-8") == text
    with page.expect_download() as result_download:  # type: ignore[attr-defined]
        page.get_by_role("link", name="Download the JSON result").click()  # type: ignore[attr-defined]
    assert result_download.value.suggested_filename == "crm-to-hk-service-centre.decision.json"
    document = json.loads(Path(result_download.value.path()).read_text(encoding="utf-8"))
    assert document["results"][0]["decision"] == "allow"


def test_break_a_field_and_see_the_located_error(page: object) -> None:
    text = example_text(ALLOWED).replace("destination: {region: HK,", "destination: {region: Hong-Kong,")
    check_text(page, text)
    assert page.locator("#verdict").text_content().startswith("ERROR")  # type: ignore[attr-defined]
    errors = page.locator("#errors").text_content()  # type: ignore[attr-defined]
    line = text.splitlines().index("  destination: {region: Hong-Kong, city: Hong Kong}") + 1
    assert "E410" in errors
    assert f"line {line}, column 25" in errors
    assert "/transfer/destination/region" in errors
    assert "bad" in page.locator(f"#line-{line}").get_attribute("class")  # type: ignore[attr-defined]
    assert "ALLOW" not in page.locator("#result").text_content()  # type: ignore[attr-defined]
    screenshot(page, "error.png")


def test_upload_a_manifest_file(page: object) -> None:
    page.get_by_label("Upload a manifest file").set_input_files(str(DENIED))  # type: ignore[attr-defined]
    expect(page.locator("#manifest")).to_have_value(example_text(DENIED))  # type: ignore[attr-defined]
    page.get_by_role("button", name="Check", exact=True).click()  # type: ignore[attr-defined]
    expect(page.locator("#verdict")).to_have_text("✘ DENY")  # type: ignore[attr-defined]
    assert page.locator("#remedies li").count() > 0  # type: ignore[attr-defined]
    with page.expect_download() as download:  # type: ignore[attr-defined]
        page.get_by_role("link", name="Download the JSON result").click()  # type: ignore[attr-defined]
    document = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert document["results"][0]["manifest"] == DENIED.name  # the file's name names the manifest
    screenshot(page, "deny.png")


def test_switch_to_chinese(page: object) -> None:
    check_text(page, example_text(ALLOWED))
    page.get_by_label("Language").select_option("zh-Hans")  # type: ignore[attr-defined]
    expect(page.locator("#verdict")).to_have_text("✔ 允许")  # type: ignore[attr-defined]
    assert page.evaluate("document.documentElement.lang") == "zh-Hans"  # type: ignore[attr-defined]
    assert page.locator("#result-heading").text_content() == "决定"  # type: ignore[attr-defined]
    message = page.locator("#reasons li").first.locator("div").first.text_content()  # type: ignore[attr-defined]
    assert any("\u4e00" <= char <= "\u9fff" for char in message)
    screenshot(page, "zh-Hans.png")
    page.get_by_label("语言").select_option("zh-Hant")  # type: ignore[attr-defined]
    expect(page.locator("#verdict")).to_have_text("✔ 允許")  # type: ignore[attr-defined]
    assert page.get_by_role("button", name="檢查", exact=True).is_visible()  # type: ignore[attr-defined]


def test_the_form_is_generated_from_the_schema_with_help_texts_and_choices(page: object) -> None:
    page.get_by_role("button", name="Form").click()  # type: ignore[attr-defined]
    category = page.get_by_label("dataset.fields.0.category")  # type: ignore[attr-defined]
    assert category.evaluate("node => [...node.options].map(o => o.value)") == [
        "",
        "non_personal",
        "personal",
        "sensitive_personal",
    ]
    help_id = category.get_attribute("aria-describedby")
    assert "sensitive_personal" in page.locator(f"#{help_id}").text_content()  # type: ignore[attr-defined]
    values = {
        "id": "form-made",
        "transfer.origin.region": "CN-GD",
        "transfer.origin.city": "Shenzhen",
        "transfer.destination.region": "HK",
        "transfer.destination.city": "Hong Kong",
        "transfer.purpose": "payroll",
        "exporter.name": "Example Co.",
        "recipient.name": "Example HK Ltd.",
        "dataset.name": "staff",
        "dataset.subjects": "40",
        "dataset.fields.0.name": "full_name",
    }
    for label, value in values.items():
        page.get_by_label(label, exact=False).first.fill(value)  # type: ignore[attr-defined]
    page.get_by_label("transfer.date").fill("2026-12-01")  # type: ignore[attr-defined]
    category.select_option("personal")
    page.get_by_role("button", name="Check", exact=True).click()  # type: ignore[attr-defined]
    page.locator("#verdict").wait_for()  # type: ignore[attr-defined]
    assert page.locator("#result #errors").count() == 0  # type: ignore[attr-defined]
    assert page.locator("#verdict").text_content() in ("✔ ALLOW", "✘ DENY")  # type: ignore[attr-defined]
    written = page.locator("#manifest").input_value()  # type: ignore[attr-defined]
    assert "  date: 2026-12-01\n" in written  # a date, not a text
    assert '    - name: "full_name"' in written
    screenshot(page, "form.png")


def test_accessible_labels_keyboard_and_contrast(page: object) -> None:
    unlabelled = page.evaluate(  # type: ignore[attr-defined]
        "[...document.querySelectorAll('input, select, textarea')].filter(n => !n.labels || !n.labels.length)"
        ".map(n => n.id)"
    )
    assert unlabelled == []
    page.locator("#manifest").fill(example_text(ALLOWED))  # type: ignore[attr-defined]
    page.locator("#manifest").focus()  # type: ignore[attr-defined]
    presses = 0
    while page.evaluate("document.activeElement.id") != "check" and presses < 12:  # type: ignore[attr-defined]
        page.keyboard.press("Tab")  # type: ignore[attr-defined]
        presses += 1
    assert page.evaluate("document.activeElement.id") == "check"  # type: ignore[attr-defined]
    page.keyboard.press("Enter")  # type: ignore[attr-defined]
    expect(page.locator("#verdict")).to_have_text("✔ ALLOW")  # type: ignore[attr-defined]
    important = example_text(ALLOWED).replace("  important_data: false\n", "  important_data: true\n")
    assert important != example_text(ALLOWED)
    page.locator("#manifest").fill(important)  # type: ignore[attr-defined]
    page.locator("#manifest").press("Control+Enter")  # type: ignore[attr-defined]
    expect(page.locator("#verdict")).to_have_text("✘ DENY")  # type: ignore[attr-defined]
    for selector in ("#verdict", "h1", ".help", "#result-heading", ".rule-id", ".cite", "footer p"):
        assert page.evaluate(CONTRAST, selector) >= 4.5, selector  # type: ignore[attr-defined]


def test_in_chinese_errors_are_shown_in_chinese_and_the_download_is_the_plain_report(
    page: object, server: RunningServer
) -> None:
    page.get_by_label("Language").select_option("zh-Hans")  # type: ignore[attr-defined]
    text = example_text(ALLOWED).replace("destination: {region: HK,", "destination: {region: Hong-Kong,")
    page.locator("#manifest").fill(text)  # type: ignore[attr-defined]
    page.get_by_role("button", name="检查", exact=True).click()  # type: ignore[attr-defined]
    expect(page.locator("#verdict")).to_have_text("错误：无法检查该清单")  # type: ignore[attr-defined]
    with server.client() as client:
        asked = client.post(
            "/v1/check", params={"lang": "zh-Hans", "name": "manifest", "localized": "true"}, content=text
        ).json()
        plain = client.post("/v1/check", params={"lang": "zh-Hans", "name": "manifest"}, content=text)
    errors = page.locator("#errors").text_content()  # type: ignore[attr-defined]
    for error in asked["results"][0]["errors"]:  # the texts shown are the localized ones
        assert error["localized"]["message"] in errors and error["localized"]["hint"] in errors
    with page.expect_download() as download:  # type: ignore[attr-defined]
        page.get_by_role("link", name="下载 JSON 结果").click()  # type: ignore[attr-defined]
    assert Path(download.value.path()).read_bytes() == plain.content  # `check --format json`, as it is
    page.locator("#manifest").fill(example_text(DENIED))  # type: ignore[attr-defined]
    page.get_by_role("button", name="检查", exact=True).click()  # type: ignore[attr-defined]
    expect(page.locator("#verdict")).to_have_text("✘ 拒绝")  # type: ignore[attr-defined]
    assert page.locator("#reasons .rule-id").first.text_content().endswith(" (拒绝)")  # type: ignore[attr-defined]


def test_a_refused_request_is_shown_in_the_page_language(
    browser: object, server: RunningServer, tmp_path: Path
) -> None:
    context = browser.new_context(locale="zh-HK")  # type: ignore[attr-defined]
    opened = context.new_page()
    problems: list[str] = []
    opened.on("pageerror", lambda error: problems.append(str(error)))
    opened.goto(server.url + "/")
    assert opened.locator("#lang").input_value() == "zh-Hant"
    upload = tmp_path / ("n" * 196 + ".yaml")  # a name longer than the service takes: refused (E520)
    upload.write_text(example_text(ALLOWED), encoding="utf-8")
    opened.get_by_label("上載清單檔案").set_input_files(str(upload))
    opened.get_by_role("button", name="檢查", exact=True).click()
    expect(opened.locator("#status")).to_have_text("服務拒絕了該請求：")
    shown = opened.locator("#errors li").text_content()
    assert shown.startswith("E520 `name` 必須是 1 至 200 個字元的可列印文字")
    assert "請按清單檔案的名稱命名，例如 transfer.yaml" in shown
    context.close()
    assert problems == []
