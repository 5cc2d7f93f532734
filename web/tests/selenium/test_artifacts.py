"""Artifact previews: text, JSON and CSV render as text/table, images as <img>, and uploaded HTML is
shown as source text only (no markup, no script)."""
from __future__ import annotations

from selenium.common.exceptions import TimeoutException

from conftest import HTML_ARTIFACT


def open_artifacts(ui, seed):
    ui.open(f"#/runs/{seed.art_run['id']}?tab=artifacts")
    ui.wait(lambda: len(ui.finds(".art-tree .art-item .name")) >= 5, msg="artifact tree")


def click_item(ui, name):
    ui.js("[...document.querySelectorAll('.art-tree .art-item')].find((e) => e.querySelector('.name').textContent === arguments[0]).click()", name)


def preview_text(ui):
    return ui.js("const p = document.querySelector('.art-preview-body pre'); return p ? p.textContent : null")


def test_text_json_csv_png_previews(ui, seed):
    open_artifacts(ui, seed)
    assert "Select a file" in ui.find(".art-preview").text

    click_item(ui, "notes.txt")
    ui.wait(lambda: preview_text(ui) is not None and "second line" in preview_text(ui))
    assert ui.hash_query()["file"] == "notes.txt"
    assert preview_text(ui) == "first line of the notes\nsecond line <b>not bold</b>\n"
    assert not ui.finds(".art-preview-body b")  # markup in text stays text

    click_item(ui, "config.json")
    ui.wait(lambda: preview_text(ui) is not None and "resnet18" in preview_text(ui))
    assert preview_text(ui).startswith('{\n  "model": "resnet18",\n  "lr": 0.0001,')  # pretty-printed

    click_item(ui, "results.csv")
    ui.wait(lambda: ui.finds(".art-preview-body table.csv-table"))
    table = ui.js("""const t = document.querySelector('.csv-table');
        return { head: [...t.querySelectorAll('thead th')].map((e) => e.textContent),
                 rows: [...t.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((e) => e.textContent)) }""")
    assert table == {"head": ["epoch", "acc", "loss"], "rows": [["1", "0.41", "1.9"], ["2", "0.55", "1.2"], ["3", "0.67", "0.8"]]}

    click_item(ui, "plots")  # folder
    ui.wait(lambda: any(e.text == "curve.png" for e in ui.finds(".art-tree .art-item .name")))
    click_item(ui, "curve.png")
    ui.wait(lambda: ui.js("const i = document.querySelector('.art-preview-body img'); return !!i && i.complete && i.naturalWidth === 48"),
            msg="png preview loaded")
    assert ui.hash_query()["file"] == "plots/curve.png"
    ui.screenshot("run-artifacts-image")


def test_html_artifact_is_not_rendered(ui, seed):
    open_artifacts(ui, seed)
    click_item(ui, "report.html")
    ui.wait(lambda: preview_text(ui) is not None and "__pwned" in preview_text(ui))
    assert preview_text(ui) == HTML_ARTIFACT.decode()
    # nothing from the file became markup
    assert not ui.finds("#pwn")
    assert not ui.finds(".art-preview-body img, .art-preview-body script, .art-preview-body iframe, .art-preview-body h1")
    assert ui.js("return document.querySelectorAll('[onerror]').length") == 0
    # and no script ran, now or a moment later (the <img onerror> would fire asynchronously)
    try:
        ui.wait(lambda: ui.js("return window.__pwned !== undefined"), timeout=1.5)
        raise AssertionError(f"script from the artifact ran: window.__pwned = {ui.js('return window.__pwned')}")
    except TimeoutException:
        pass
    ui.screenshot("run-artifacts-html")
    # and the file itself, opened from the Download link or typed in, is never a page of this origin
    href = ui.js("return document.querySelector('.art-preview a[download]').getAttribute('href')")
    got = ui.d.execute_async_script("""const done = arguments[arguments.length - 1];
        fetch(arguments[0]).then((r) => done({ type: r.headers.get('content-type'), disposition: r.headers.get('content-disposition'),
            csp: r.headers.get('content-security-policy'), nosniff: r.headers.get('x-content-type-options') }));""", href)
    assert not got["type"].startswith("text/html"), got
    assert got["disposition"].startswith("attachment"), got
    assert got["csp"].startswith("sandbox"), got
    assert got["nosniff"] == "nosniff", got


def test_deep_link_to_nested_file(ui, seed):
    ui.open(f"#/runs/{seed.art_run['id']}?tab=artifacts&file=plots/curve.png")
    ui.wait(lambda: ui.js("const i = document.querySelector('.art-preview-body img'); return !!i && i.complete && i.naturalWidth === 48"),
            msg="nested png opened from the URL")
    assert "is-active" in ui.js("return [...document.querySelectorAll('.art-item')].find((e) => e.title === 'plots/curve.png').className")
