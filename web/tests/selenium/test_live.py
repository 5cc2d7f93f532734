"""A RUNNING run that receives new points updates the open page by itself (no reload), within 2
seconds, by asking only for the points after the ones it has (no refetch of whole histories)."""
from __future__ import annotations

import time
import urllib.parse

LIVE_WITHIN_S = 2.0


def series_requests(ui):
    urls = ui.js("return performance.getEntriesByType('resource').map((e) => e.name).filter((u) => u.includes('/api/2.0/track/metrics/series'))")
    return [dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(u).query)) for u in urls]


def within(ui, cond, msg):
    """Wait for cond, at most LIVE_WITHIN_S from now; return the seconds it took."""
    t0 = time.monotonic()
    ui.wait(cond, timeout=LIVE_WITHIN_S, msg=f"{msg} (not within {LIVE_WITHIN_S} s)")
    return time.monotonic() - t0


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
    row_i = next(r["i"] for r in ui.run_rows() if r["name"] == "live-run")
    box = ui.find(f'.vt-row[data-i="{row_i}"] .sel input')
    seed.log_live(5, acc_value=0.987654)
    within(ui, lambda: live_acc() == "0.98765", "live acc cell updated")
    # The row was redrawn, its checkbox kept: a click on the box found before the update selects the run.
    box.click()
    ui.wait(lambda: ui.finds(f'.vt-row.is-selected[data-i="{row_i}"]'), msg="the live run is selected")
    assert ui.find(f'.vt-row[data-i="{row_i}"] .sel input').is_selected()


def test_run_chart_updates_live(ui, seed):
    ui.open(f"#/runs/{seed.live}?tab=charts&metric=loss")
    ui.wait_charts_drawn(".chart-card", count=2)
    last_el = "#chart-loss .card-head .actions"
    ui.wait(lambda: ui.find(last_el).text.endswith(f"@ {seed.live_step}"))
    before = ui.canvases("#chart-loss")[0]
    assert ui.finds(".subtitle .live")
    ui.js("performance.clearResourceTimings()")
    known = seed.live_step
    step = seed.log_live(40)
    within(ui, lambda: ui.find(last_el).text.endswith(f"@ {step}"), "chart tail label updated")

    def redrawn():
        s = ui.canvases("#chart-loss")[0]
        return s if s["hash"] != before["hash"] else False
    after = ui.wait(redrawn, timeout=LIVE_WITHIN_S, msg="chart pixels updated")
    assert after["colored"] > 50
    # only the tail was asked for: every series request since starts at the last known step
    reqs = series_requests(ui)
    assert reqs, "no series request"
    assert all(r.get("run_id") == seed.live and int(r.get("min_step", -1)) >= known for r in reqs), reqs
    ui.screenshot("run-live")


def test_run_overview_updates_live(ui, seed):
    ui.open(f"#/runs/{seed.live}")
    ui.wait(lambda: ui.finds(".metric-table tbody tr") and all(s["colored"] > 20 for s in ui.js(
        "return [...document.querySelectorAll('canvas.spark')].map((c) => __trackTest.inspect(c))")), msg="metrics with sparklines")

    def acc_row():
        return ui.js("const tr = [...document.querySelectorAll('.metric-table tbody tr')].find((r) => r.querySelector('td.key').textContent === 'acc'); return [...tr.children].slice(1, 5).map((c) => c.textContent)")
    spark_before = ui.js("return __trackTest.inspect([...document.querySelectorAll('canvas.spark')][0])")
    step = seed.log_live(30, acc_value=1.5)
    within(ui, lambda: acc_row()[0] == "1.5", "last value updated")
    ui.wait(lambda: acc_row()[2] == "1.5", timeout=LIVE_WITHIN_S, msg="max (a summary kept at write time) updated")
    ui.wait(lambda: acc_row()[3] == str(step + 1), timeout=LIVE_WITHIN_S, msg="point count updated")
    ui.wait(lambda: ui.js("return __trackTest.inspect([...document.querySelectorAll('canvas.spark')][0])")["hash"] != spark_before["hash"],
            timeout=LIVE_WITHIN_S, msg="sparkline redrawn")


def test_compare_updates_live(ui, seed):
    baseline = next(r for r in seed.api.post("runs/search", {"experiment_ids": [seed.live_exp]})["runs"]
                    if r["info"]["run_name"] == "finished-baseline")["info"]["run_id"]
    ui.open(f"#/compare?runs={seed.live},{baseline}&metric=acc")
    ui.wait_charts_drawn(".chart-card", count=1)
    before = ui.canvases(".chart-card")[0]
    ui.js("performance.clearResourceTimings()")
    known = seed.live_step
    seed.log_live(60)

    def redrawn():
        s = ui.canvases(".chart-card")[0]
        return s if s["hash"] != before["hash"] else False
    within(ui, redrawn, "compare chart redrawn with the new points")
    reqs = series_requests(ui)
    assert reqs and all(r["run_id"] == seed.live and int(r["min_step"]) >= known for r in reqs), reqs  # the finished run is not re-asked
