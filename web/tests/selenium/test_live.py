"""A RUNNING run that receives new points updates the open page by itself (no reload)."""
from __future__ import annotations


def test_runs_table_updates_live(ui, seed):
    ui.open(f"#/experiments/{seed.live_exp}")
    ui.wait(lambda: len(ui.run_rows()) == 2)
    assert "1 running · live" in ui.find(".runs-page .subtitle").text
    heads = ui.header_cells()
    acc = heads.index("acc")

    def live_acc():
        row = next(r for r in ui.run_rows() if r["name"] == "live-run")
        return row["cells"][acc]
    assert live_acc() != "0.98765"
    seed.log_live(5, acc_value=0.987654)
    ui.wait(lambda: live_acc() == "0.98765", timeout=10, msg="live acc cell updated")


def test_run_chart_updates_live(ui, seed):
    ui.open(f"#/runs/{seed.live}?tab=charts&metric=loss")
    ui.wait_charts_drawn(".chart-card", count=2)
    last_el = "#chart-loss .card-head .actions"
    ui.wait(lambda: ui.find(last_el).text.endswith(f"@ {seed.live_step}"))
    before = ui.canvases("#chart-loss")[0]
    assert ui.finds(".subtitle .live")
    step = seed.log_live(40)
    ui.wait(lambda: ui.find(last_el).text.endswith(f"@ {step}"), timeout=10, msg="chart tail label updated")

    def redrawn():
        s = ui.canvases("#chart-loss")[0]
        return s if s["hash"] != before["hash"] else False
    after = ui.wait(redrawn, timeout=10, msg="chart pixels updated")
    assert after["colored"] > 50
    ui.screenshot("run-live")


def test_compare_updates_live(ui, seed):
    baseline = next(r for r in seed.api.post("runs/search", {"experiment_ids": [seed.live_exp]})["runs"]
                    if r["info"]["run_name"] == "finished-baseline")["info"]["run_id"]
    ui.open(f"#/compare?runs={seed.live},{baseline}&metric=acc")
    ui.wait_charts_drawn(".chart-card", count=1)
    before = ui.canvases(".chart-card")[0]
    seed.log_live(60)

    def redrawn():
        s = ui.canvases(".chart-card")[0]
        return s if s["hash"] != before["hash"] else False
    ui.wait(redrawn, timeout=10, msg="compare chart redrawn with the new points")
