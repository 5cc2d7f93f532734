"""Runs table: filter, invalid filter, sort, select (mouse + keyboard), compare."""
from __future__ import annotations

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys


def open_table(ui, seed, query=""):
    ui.open(f"#/experiments/{seed.exp}{query}")
    ui.wait(lambda: ui.run_rows() and not ui.js("return !!document.querySelector('.runs-page .subtitle .spinner')"),
            msg="runs table loaded")


def column(ui, name):
    heads = ui.header_cells()
    i = heads.index(name)
    return [r["cells"][i] for r in ui.run_rows()]


def header(ui, label):
    return ui.js("return [...document.querySelectorAll('.vt-head .vt-hcell.sortable')].find((c) => c.querySelector('.hlabel').textContent.replace(/[↑↓]/g, '').trim() === arguments[0])", label)


def type_filter(ui, text):
    box = ui.find("#runs-filter")
    box.click()
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.DELETE)
    box.send_keys(text)
    box.send_keys(Keys.ENTER)  # with no hint picked (arrow keys), Enter applies the filter


def test_filter_reduces_rows(ui, seed):
    open_table(ui, seed)
    assert len(ui.run_rows()) == 10
    type_filter(ui, "metrics.acc > 0.5")
    ui.wait(lambda: len(ui.run_rows()) == 6, msg="6 runs with acc > 0.5")
    assert all(float(v) > 0.5 for v in column(ui, "acc"))
    assert {r["name"] for r in ui.run_rows()} == {f"run-{i:02d}" for i in range(4, 10)}
    assert ui.hash_query()["filter"] == "metrics.acc > 0.5"
    assert "6 runs matching" in ui.find(".runs-page .subtitle").text
    ui.screenshot("runs-filtered")
    # a compound filter narrows further
    type_filter(ui, "metrics.acc > 0.5 and params.optimizer = 'adam'")
    ui.wait(lambda: {r["name"] for r in ui.run_rows()} == {"run-05", "run-07", "run-09"}, msg="adam runs with acc > 0.5")
    # clearing restores everything
    ui.find(".filter-clear").click()
    ui.wait(lambda: len(ui.run_rows()) == 10)


def test_invalid_filter_shows_server_message(ui, seed):
    ui.console.allow(r"runs/search.*status of 400")
    open_table(ui, seed)
    type_filter(ui, "metrics.acc >> 0.5")
    ui.wait(lambda: ui.find(".filter-box .inline-error").is_displayed(), msg="inline filter error")
    msg = ui.find(".filter-box .inline-error").text
    # the server's own message (MLflow wording), shown verbatim
    assert "Invalid comparator" in msg, msg
    assert "is-invalid" in ui.find("#runs-filter").get_attribute("class")
    assert "Check the filter" in ui.find(".vt-empty").text
    ui.screenshot("runs-filter-error")
    # fixing the filter clears the error
    type_filter(ui, "metrics.acc > 0.7")
    ui.wait(lambda: len(ui.run_rows()) == 2)
    assert not ui.find(".filter-box .inline-error").is_displayed()


def test_sort_by_clicking_headers(ui, seed):
    open_table(ui, seed)
    # Run name: first click ascending, second descending
    header(ui, "Run").click()
    ui.wait(lambda: ui.hash_query().get("order") == "attributes.run_name")
    ui.wait(lambda: [r["name"] for r in ui.run_rows()] == [f"run-{i:02d}" for i in range(10)], msg="names ascending")
    header(ui, "Run").click()
    ui.wait(lambda: ui.hash_query().get("order") == "-attributes.run_name")
    ui.wait(lambda: [r["name"] for r in ui.run_rows()] == [f"run-{i:02d}" for i in range(9, -1, -1)], msg="names descending")
    assert header(ui, "Run").get_attribute("aria-sort") == "descending"
    # metric column: numbers descending first, then ascending
    header(ui, "loss").click()
    ui.wait(lambda: ui.hash_query().get("order") == "-metrics.loss")
    ui.wait(lambda: not ui.finds(".runs-page .subtitle .spinner") and len(ui.run_rows()) == 10)
    vals = [float(v) for v in column(ui, "loss")]
    assert vals == sorted(vals, reverse=True), vals
    header(ui, "lr").click()  # params sort ascending first (as strings on the server)
    ui.wait(lambda: ui.hash_query().get("order") == "params.lr")
    ui.wait(lambda: len(ui.run_rows()) == 10 and column(ui, "lr") == sorted(column(ui, "lr")), msg="lr ascending")
    header(ui, "acc").click()
    ui.wait(lambda: ui.hash_query().get("order") == "-metrics.acc")
    ui.wait(lambda: len(ui.run_rows()) == 10 and [float(v) for v in column(ui, "acc")] == sorted((r["acc"] for r in seed.runs), reverse=True),
            msg="acc descending")
    # client-side sort (duration is not an MLflow order_by key)
    header(ui, "Duration").click()
    ui.wait(lambda: ui.hash_query().get("order") == "-attributes.duration")
    ui.wait(lambda: len(ui.run_rows()) == 10 and header(ui, "Duration").get_attribute("aria-sort") == "descending")


def test_select_with_checkboxes_and_keyboard_then_compare(ui, seed):
    open_table(ui, seed)
    compare = ui.d.find_element(By.XPATH, "//button[starts-with(normalize-space(.), 'Compare')]")
    assert not compare.is_enabled()
    rows = {r["name"]: r["i"] for r in ui.run_rows()}
    # mouse: tick two checkboxes
    for name in ("run-08", "run-03"):
        ui.find(f'.vt-row[data-i="{rows[name]}"] .sel input').click()
    ui.wait(lambda: {r["name"] for r in ui.run_rows() if r["selected"]} == {"run-08", "run-03"})
    assert compare.is_enabled() and compare.text.replace("\n", " ") == "Compare 2"
    # keyboard: click a row (cursor), j moves down, x toggles
    ui.find(f'.vt-row[data-i="{rows["run-06"]}"] .vt-cell.muted').click()
    ActionChains(ui.d).send_keys("x").perform()
    ui.wait(lambda: {r["name"] for r in ui.run_rows() if r["selected"]} == {"run-08", "run-06", "run-03"})
    ActionChains(ui.d).send_keys("j").send_keys("x").perform()  # run-05
    ui.wait(lambda: {r["name"] for r in ui.run_rows() if r["selected"]} == {"run-08", "run-06", "run-05", "run-03"})
    ActionChains(ui.d).send_keys("x").perform()  # and off again
    ui.wait(lambda: {r["name"] for r in ui.run_rows() if r["selected"]} == {"run-08", "run-06", "run-03"})
    assert "is-cursor" in ui.find(f'.vt-row[data-i="{rows["run-05"]}"]').get_attribute("class")
    ui.wait(lambda: compare.text.replace("\n", " ") == "Compare 3")
    ui.screenshot("runs-selected")
    ActionChains(ui.d).send_keys("c").perform()  # the keyboard shortcut for the Compare button
    ui.wait(lambda: ui.hash().startswith("#/compare"), msg="compare view opened")
    want = [seed.by_name(n)["id"] for n in ("run-08", "run-06", "run-03")]  # table order
    assert ui.hash_query()["runs"].split(",") == want
    ui.wait(lambda: ui.finds(".compare-page h1") and ui.find(".compare-page h1").text == "Comparing 3 runs")
    assert [e.text for e in ui.finds(".compare-legend .run-chip a")] == ["run-08", "run-06", "run-03"]
    ui.wait_charts_drawn(".chart-card", count=2)
    # back to the table: the Compare button works with the mouse too
    ui.d.back()
    ui.wait(lambda: ui.hash() == f"#/experiments/{seed.exp}" and len(ui.run_rows()) == 10)


def test_compare_button_with_mouse(ui, seed):
    open_table(ui, seed)
    rows = {r["name"]: r["i"] for r in ui.run_rows()}
    for name in ("run-00", "run-09"):
        ui.find(f'.vt-row[data-i="{rows[name]}"] .sel input').click()
    btn = ui.d.find_element(By.XPATH, "//button[starts-with(normalize-space(.), 'Compare')]")
    ui.wait(lambda: btn.is_enabled())
    btn.click()
    ui.wait(lambda: ui.hash().startswith("#/compare"))
    assert ui.hash_query()["runs"].split(",") == [seed.by_name("run-09")["id"], seed.by_name("run-00")["id"]]
    ui.wait(lambda: ui.finds(".compare-page h1") and ui.find(".compare-page h1").text == "Comparing 2 runs")
