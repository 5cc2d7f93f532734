"""Runs of several experiments in one table: chosen on the experiments list or with the runs
table's Experiments picker; an Experiment column; filter, sort and compare across experiments."""
from __future__ import annotations

from selenium.webdriver.common.by import By


def pick_row(ui, name):
    ui.js("[...document.querySelectorAll('.exp-table tbody tr')].find((tr) => tr.querySelector('a.exp-name').textContent === arguments[0]).querySelector('td.pick input').click()", name)


def loaded(ui, n):
    return len(ui.run_rows()) == n and not ui.finds(".runs-page .subtitle .spinner")


def test_runs_of_two_experiments(ui, seed):
    ui.open("#/")
    ui.wait(lambda: len(ui.finds(".exp-table tbody tr")) == 4)
    assert not ui.find("#exp-show-runs").is_displayed()
    pick_row(ui, "vision-sweep")
    pick_row(ui, "live-demo")
    btn = ui.find("#exp-show-runs")
    assert btn.text == "Show runs of 2 experiments"
    btn.click()
    want = sorted([seed.exp, seed.live_exp], key=int)
    ui.wait(lambda: ui.hash() == f"#/experiments/{','.join(want)}", msg="cross-experiment URL")
    ui.wait(lambda: loaded(ui, 12), msg="12 runs from both experiments")
    assert ui.find(".runs-page h1").text == "Runs of 2 experiments"
    assert [e.text for e in ui.finds(".exp-chips .run-chip a")] == [
        {seed.exp: "vision-sweep", seed.live_exp: "live-demo"}[i] for i in want]
    heads = ui.header_cells()
    assert heads[1:5] == ["Status", "Run", "Experiment", "Started"], heads
    by_name = {r["name"]: r["cells"][heads.index("Experiment")] for r in ui.run_rows()}
    assert by_name["live-run"] == "live-demo" and by_name["run-03"] == "vision-sweep"
    ui.screenshot("runs-cross-experiment")
    # sort by experiment (client side): live-demo's 2 runs first, then vision-sweep's 10
    ui.js("[...document.querySelectorAll('.vt-hcell.sortable')].find((c) => c.textContent.includes('Experiment')).click()")
    ui.wait(lambda: ui.hash_query().get("order") == "attributes.experiment")
    ui.wait(lambda: [r["cells"][heads.index("Experiment")] for r in ui.run_rows()] == ["live-demo"] * 2 + ["vision-sweep"] * 10,
            msg="sorted by experiment name")
    # a filter applies across experiments: lr = 0.02 is live-run and run-02
    box = ui.find("#runs-filter")
    box.send_keys("params.lr = '0.02'\n")
    ui.wait(lambda: {r["name"] for r in ui.run_rows()} == {"live-run", "run-02"}, msg="filtered across experiments")
    # compare the two: the compare page knows they come from 2 experiments
    for r in ui.run_rows():
        ui.click(f'.vt-row[data-i="{r["i"]}"] .sel input')
    ui.d.find_element(By.XPATH, "//button[starts-with(normalize-space(.), 'Compare')]").click()
    ui.wait(lambda: ui.finds(".compare-page h1") and ui.find(".compare-page h1").text == "Comparing 2 runs")
    assert "2 experiments" in ui.find(".compare-page .crumbs").text
    ui.wait_charts_drawn(".chart-card", count=1)


def test_experiments_picker_and_removing_one(ui, seed):
    ui.open(f"#/experiments/{seed.exp}")
    ui.wait(lambda: loaded(ui, 10))
    assert "Experiment" not in ui.header_cells()
    ui.d.find_element(By.XPATH, "//button[normalize-space(.)='Experiments']").click()
    ui.wait(lambda: ui.finds(".popover input[data-exp]"))
    assert ui.find(f'.popover input[data-exp="{seed.exp}"]').is_selected()
    ui.find(f'.popover input[data-exp="{seed.zoo}"]').click()
    ui.d.find_element(By.XPATH, "//div[contains(@class,'popover')]//button[text()='Show runs']").click()
    want = sorted([seed.exp, seed.zoo], key=int)
    ui.wait(lambda: ui.hash() == f"#/experiments/{','.join(want)}")
    ui.wait(lambda: loaded(ui, 14), msg="10 + 4 runs")
    assert "Experiment" in ui.header_cells()
    # the × on an experiment's chip takes it out again
    ui.js("[...document.querySelectorAll('.exp-chips .run-chip')].find((c) => c.textContent.includes('status-zoo')).querySelector('button.x').click()")
    ui.wait(lambda: ui.hash() == f"#/experiments/{seed.exp}")
    ui.wait(lambda: loaded(ui, 10))
    assert ui.find(".runs-page h1").text == "vision-sweep"
