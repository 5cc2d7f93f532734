"""Runs table: filter, invalid filter, sort, select (mouse + keyboard), compare, column picker
(min/max summaries), group by a param, keyboard navigation, statuses (crashed shown as such)."""
from __future__ import annotations

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select


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
    def loss_desc():
        vals = [float(v) for v in column(ui, "loss")]
        return len(vals) == 10 and vals == sorted(vals, reverse=True)
    ui.wait(loss_desc, msg="loss descending")
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
        ui.click(f'.vt-row[data-i="{rows[name]}"] .sel input')
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


def test_selection_survives_a_filter(ui, seed):
    open_table(ui, seed)
    rows = {r["name"]: r["i"] for r in ui.run_rows()}
    for name in ("run-01", "run-08"):
        ui.click(f'.vt-row[data-i="{rows[name]}"] .sel input')
    type_filter(ui, "metrics.acc > 0.6")  # hides run-01
    ui.wait(lambda: {r["name"] for r in ui.run_rows()} == {"run-06", "run-07", "run-08", "run-09"})
    assert [r["name"] for r in ui.run_rows() if r["selected"]] == ["run-08"]
    btn = ui.d.find_element(By.XPATH, "//button[starts-with(normalize-space(.), 'Compare')]")
    assert btn.text.replace("\n", " ") == "Compare 2"  # what the button says is what it compares
    btn.click()
    ui.wait(lambda: ui.hash().startswith("#/compare"))
    assert ui.hash_query()["runs"].split(",") == [seed.by_name("run-08")["id"], seed.by_name("run-01")["id"]]


def test_compare_button_with_mouse(ui, seed):
    open_table(ui, seed)
    rows = {r["name"]: r["i"] for r in ui.run_rows()}
    for name in ("run-00", "run-09"):
        ui.click(f'.vt-row[data-i="{rows[name]}"] .sel input')
    btn = ui.d.find_element(By.XPATH, "//button[starts-with(normalize-space(.), 'Compare')]")
    ui.wait(lambda: btn.is_enabled())
    btn.click()
    ui.wait(lambda: ui.hash().startswith("#/compare"))
    assert ui.hash_query()["runs"].split(",") == [seed.by_name("run-09")["id"], seed.by_name("run-00")["id"]]
    ui.wait(lambda: ui.finds(".compare-page h1") and ui.find(".compare-page h1").text == "Comparing 2 runs")


def test_column_picker_min_max_columns_and_client_sort(ui, seed):
    open_table(ui, seed)
    ui.d.find_element(By.XPATH, "//button[normalize-space(.)='Columns']").click()
    ui.wait(lambda: ui.finds('.popover input[data-col="min(metrics.loss)"]'), msg="column picker")
    assert ui.find('.popover input[data-col="metrics.loss"]').is_selected()  # a default column
    ui.find('.popover input[data-col="min(metrics.loss)"]').click()
    ui.find('.popover input[data-col="max(metrics.acc)"]').click()
    ui.find('.popover input[data-col="params.dataset"]').click()
    ui.wait(lambda: "min(metrics.loss)" in ui.hash_query().get("cols", "") and "params.dataset" in ui.hash_query().get("cols", ""))
    ActionChains(ui.d).send_keys(Keys.ESCAPE).perform()
    ui.wait(lambda: not ui.finds(".popover"))
    # the added columns are scrolled into view; checkbox, status and name stay pinned on the left
    ui.wait(lambda: ui.js("const s = document.querySelector('.vt-scroll'); return s.scrollLeft > 0 && s.scrollLeft + s.clientWidth >= s.scrollWidth - 1"),
            msg="new columns scrolled into view")
    assert ui.js("""const sc = document.querySelector('.vt-scroll').getBoundingClientRect();
        return [...document.querySelectorAll('.vt-row .name a, .vt-row .sel input, .vt-head .sel input')].every((e) => {
          const r = e.getBoundingClientRect(); return r.left >= sc.left && r.right <= sc.right; })""")
    kinds = ui.header_kinds()
    assert ("metric · min", "loss") in kinds and ("metric · max", "acc") in kinds and ("param", "dataset") in kinds, kinds
    i_min, i_max = kinds.index(("metric · min", "loss")), kinds.index(("metric · max", "acc"))
    # the values are the server's summaries (kept at write time), filled in as rows show
    want = {r["name"]: seed.api.summaries(r["id"]) for r in seed.runs}

    def cells_match():
        rows = ui.run_rows()
        return len(rows) == 10 and all(
            abs(float(r["cells"][i_min]) - want[r["name"]]["loss"]["min"]) <= 1e-4 * abs(want[r["name"]]["loss"]["min"])
            and abs(float(r["cells"][i_max]) - want[r["name"]]["acc"]["max"]) <= 1e-4 * abs(want[r["name"]]["acc"]["max"])
            for r in rows)
    ui.wait(cells_match, msg="min/max cells equal the server's summaries")
    assert all(r["cells"][kinds.index(("param", "dataset"))] == "cifar10" for r in ui.run_rows())
    ui.screenshot("runs-columns")
    # sorting on a min column happens in the browser (MLflow's order_by has no min/max)
    ui.js("[...document.querySelectorAll('.vt-head .vt-hcell')][arguments[0]].click()", i_min)
    ui.wait(lambda: ui.hash_query().get("order") == "-min(metrics.loss)")
    expect = [n for n, _ in sorted(want.items(), key=lambda kv: -kv[1]["loss"]["min"])]
    ui.wait(lambda: [r["name"] for r in ui.run_rows()] == expect, msg="rows by min(loss), descending")
    # back to the defaults
    ui.d.find_element(By.XPATH, "//button[normalize-space(.)='Columns']").click()
    ui.d.find_element(By.XPATH, "//div[contains(@class,'popover')]//button[text()='Reset to defaults']").click()
    ui.wait(lambda: "cols" not in ui.hash_query())
    assert ("metric · min", "loss") not in ui.header_kinds()


def test_group_by_param_with_aggregates(ui, seed):
    open_table(ui, seed)
    Select(ui.find('select[aria-label="Group by"]')).select_by_visible_text("optimizer")
    ui.wait(lambda: ui.hash_query().get("group") == "optimizer")
    ui.wait(lambda: len(ui.finds(".vt-row.is-group")) == 2, msg="two groups")
    groups = ui.js("""return [...document.querySelectorAll('.vt-row.is-group')].map((g) => ({
        label: g.querySelector('.group-label').textContent,
        cells: [...g.querySelectorAll('.vt-cell')].map((c) => ({ mean: c.querySelector('.agg-mean')?.textContent, range: c.querySelector('.agg-range')?.textContent })) }))""")
    assert [g["label"] for g in groups] == ["▾optimizer = adam5 runs", "▾optimizer = sgd5 runs"], groups
    heads = ui.header_cells()
    col = heads.index("acc") - 7 + 3  # a group row: checkbox, label, one cell spanning the other fixed columns, then the columns
    adam = [seed.by_name(f"run-{i:02d}")["acc"] for i in (1, 3, 5, 7, 9)]
    sgd = [seed.by_name(f"run-{i:02d}")["acc"] for i in (0, 2, 4, 6, 8)]
    assert float(groups[0]["cells"][col]["mean"]) == round(sum(adam) / 5, 4)
    assert groups[0]["cells"][col]["range"] == f"{min(adam):g} – {max(adam):g}"
    assert float(groups[1]["cells"][col]["mean"]) == round(sum(sgd) / 5, 4)
    # the runs sit under their group
    rows = ui.js("return [...document.querySelectorAll('.vt-body .vt-row')].sort((a, b) => a.dataset.i - b.dataset.i).map((r) => r.classList.contains('is-group') ? 'G' : r.querySelector('.name a').textContent)")
    assert rows[0] == "G" and rows[6] == "G" and {*rows[1:6]} == {f"run-{i:02d}" for i in (1, 3, 5, 7, 9)}, rows
    ui.screenshot("runs-grouped")
    # clicking a group folds it
    ui.find(".vt-row.is-group .group-label").click()
    ui.wait(lambda: len(ui.run_rows()) == 5 and len(ui.finds(".vt-row.is-group")) == 2, msg="adam folded")
    # ticking a group's box selects its runs
    ui.js("document.querySelectorAll('.vt-row.is-group')[1].querySelector('.sel input').click()")
    ui.wait(lambda: {r["name"] for r in ui.run_rows() if r["selected"]} == {f"run-{i:02d}" for i in (0, 2, 4, 6, 8)})


def cursor_name(ui):
    return ui.js("const r = document.querySelector('.vt-row.is-cursor'); return r ? r.querySelector('.name a').textContent : null")


def test_keyboard_navigation(ui, seed):
    open_table(ui, seed)
    ActionChains(ui.d).send_keys("j").perform()  # the first j puts the cursor on the first row
    ui.wait(lambda: cursor_name(ui) == "run-09")
    ActionChains(ui.d).send_keys(Keys.ARROW_DOWN, Keys.ARROW_DOWN).perform()
    ui.wait(lambda: cursor_name(ui) == "run-07")
    ActionChains(ui.d).send_keys("k").perform()
    ui.wait(lambda: cursor_name(ui) == "run-08")
    ActionChains(ui.d).send_keys(Keys.END).perform()
    ui.wait(lambda: cursor_name(ui) == "run-00")
    ActionChains(ui.d).send_keys(Keys.HOME).perform()
    ui.wait(lambda: cursor_name(ui) == "run-09")
    ActionChains(ui.d).send_keys(Keys.ARROW_UP).perform()  # stays on the first row
    ui.wait(lambda: cursor_name(ui) == "run-09")
    ActionChains(ui.d).send_keys("j", Keys.ENTER).perform()
    ui.wait(lambda: ui.hash() == f"#/runs/{seed.by_name('run-08')['id']}", msg="Enter opens the run")
    ui.d.back()
    ui.wait(lambda: len(ui.run_rows()) == 10)
    # "/" jumps to the filter (its hints open), Escape closes the hints, a second one goes back to the table
    ActionChains(ui.d).send_keys("/").perform()
    ui.wait(lambda: ui.js("return document.activeElement.id") == "runs-filter")
    ui.wait(lambda: ui.find(".filter-box .hints").is_displayed())
    ActionChains(ui.d).send_keys(Keys.ESCAPE).perform()
    ui.wait(lambda: not ui.find(".filter-box .hints").is_displayed())
    assert ui.js("return document.activeElement.id") == "runs-filter"
    ActionChains(ui.d).send_keys(Keys.ESCAPE).perform()
    ui.wait(lambda: ui.js("return document.activeElement.classList.contains('vt-scroll')"))
    ui.wait(lambda: cursor_name(ui) == "run-09")
    # "?" lists the shortcuts
    ActionChains(ui.d).send_keys("?").perform()
    ui.wait(lambda: ui.finds("dialog[open]") and "Keyboard shortcuts" in ui.find("dialog[open]").text)
    ActionChains(ui.d).send_keys(Keys.ESCAPE).perform()
    ui.wait(lambda: not ui.finds("dialog[open]"))


def test_statuses_including_crashed(ui, seed):
    ui.open(f"#/experiments/{seed.zoo}")
    ui.wait(lambda: len(ui.run_rows()) == 4)
    status = {r["name"]: r["cells"][1] for r in ui.run_rows()}
    assert status == {"crashed-run": "crashed", "failed-run": "failed", "killed-run": "killed", "child-run": "finished"}, status
    assert "heartbeat stopped" in ui.find(".vt-row .pill-crashed").get_attribute("title")
    # a crashed run lasted until its last heartbeat (50 minutes after it started), not until now
    heads = ui.header_cells()
    crashed = next(r for r in ui.run_rows() if r["name"] == "crashed-run")
    assert crashed["cells"][heads.index("Duration")].replace("\u00a0", " ") == "50m 00s", crashed
    # a crashed run is not live: the table does not claim a run is running
    assert "running" not in ui.find(".runs-page .subtitle").text
    ui.screenshot("runs-statuses")
