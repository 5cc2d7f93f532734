"""Compare view: charts draw, hover lists every run, x axis by step / wall time / relative time, log
scale, drag-to-zoom re-queries the server, EMA smoothing, differences only, parallel coordinates
and scatter choices, grouping by a param (mean with a min-max band)."""
from __future__ import annotations

import math
import re
import urllib.parse

from conftest import STEPS, noise
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

NAMES = ("run-02", "run-05", "run-07")


def open_compare(ui, seed, extra=""):
    ids = [seed.by_name(n)["id"] for n in NAMES]
    ui.open(f"#/compare?runs={','.join(ids)}{extra}")
    ui.wait(lambda: ui.finds(".compare-page h1") and ui.find(".compare-page h1").text == f"Comparing {len(ids)} runs")
    return ids


def tip_step(ui, canvas_el, frac):
    """Hover the chart at `frac` of its width; return the step the tooltip reports."""
    w = canvas_el.size["width"]
    ActionChains(ui.d).move_to_element_with_offset(canvas_el, int(w * (frac - 0.5)), 0).perform()
    ui.wait(lambda: ui.js("const t = document.querySelector('.chart-card .chart-tip'); return t && !t.hidden && t.textContent.startsWith('step')"),
            msg="chart tooltip")
    head = ui.find(".chart-card .chart-tip-head").text  # "step 123"
    ActionChains(ui.d).move_to_element(ui.find(".compare-page h1")).perform()  # leave the chart
    return float(head.split()[1].replace(",", ""))


def series_requests(ui):
    """metrics/series requests seen by the page since the last clearResourceTimings()."""
    urls = ui.js("return performance.getEntriesByType('resource').map((e) => e.name).filter((u) => u.includes('/api/2.0/track/metrics/series'))")
    return [dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(u).query)) for u in urls]


def test_charts_draw_each_run(ui, seed):
    open_compare(ui, seed)
    stats = ui.wait_charts_drawn(".chart-card", count=2)
    assert [e.text for e in ui.finds(".chart-card .card-head h2")] == ["acc", "loss"]
    # one colour per run: each legend swatch colour appears on the acc chart's canvas
    colors = ui.js("return [...document.querySelectorAll('.compare-legend .swatch')].map((s) => getComputedStyle(s).backgroundColor)")
    assert len(set(colors)) == 3
    present = ui.js("""
      const want = arguments[0].map((c) => c.match(/\\d+/g).slice(0, 3).map(Number));
      const c = __trackTest.baseCanvases('.chart-card')[0];
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const hits = want.map(() => 0);
      for (let i = 0; i < d.length; i += 4) {
        if (d[i + 3] < 200) continue;
        want.forEach((w, k) => { if (Math.abs(d[i] - w[0]) + Math.abs(d[i + 1] - w[1]) + Math.abs(d[i + 2] - w[2]) < 30) hits[k]++; });
      }
      return hits;""", colors)
    assert all(n > 100 for n in present), f"pixels per run colour on the acc chart: {present}"
    for s in stats:
        assert s["maxX"] - s["minX"] > 0.7 * s["w"], s


def test_drag_zoom_requeries_server(ui, seed):
    ids = open_compare(ui, seed, "&metric=acc")
    before = ui.wait_charts_drawn(".chart-card", count=1)[0]
    canvas = ui.find(".chart-card canvas.chart-layer-over")
    step_before = tip_step(ui, canvas, 0.3)
    ui.js("performance.clearResourceTimings()")
    w = canvas.size["width"]
    (ActionChains(ui.d).move_to_element_with_offset(canvas, int(-0.1 * w), 0).click_and_hold()
     .move_by_offset(int(0.05 * w), 0).move_by_offset(int(0.05 * w), 5).move_by_offset(int(0.1 * w), 0)
     .release().perform())
    ui.wait(lambda: "zoom" in ui.hash_query(), msg="zoom in the URL")
    x0, x1 = map(float, ui.hash_query()["zoom"].split(","))
    assert 0 < x0 < x1 < 499 and x1 - x0 < 200, (x0, x1)
    # each run's series was re-queried for the zoomed step range only
    ui.wait(lambda: {r["run_id"] for r in series_requests(ui) if "min_step" in r} == set(ids), msg="zoomed series requests")
    for r in series_requests(ui):
        assert r["key"] == "acc"
        lo, hi = int(r["min_step"]), int(r["max_step"])
        assert lo <= x0 and hi >= x1 and hi - lo < 250, (r, x0, x1)
    after = ui.wait_charts_drawn(".chart-card", count=1)[0]
    assert after["hash"] != before["hash"]
    assert after["maxX"] - after["minX"] > 0.7 * after["w"], after  # lines still reach both edges
    assert ui.find(".zoom-note").text == "Zoomed"
    # the x range shown changed: the same screen position now reads a step inside the zoom range
    step_after = tip_step(ui, canvas, 0.3)
    assert x0 - 1 <= step_after <= x1 + 1, (step_after, x0, x1)
    assert abs(step_after - step_before) > 20, (step_before, step_after)
    ui.screenshot("compare-zoomed")
    # double-click resets
    ActionChains(ui.d).double_click(canvas).perform()
    ui.wait(lambda: "zoom" not in ui.hash_query(), msg="zoom reset")
    ui.wait(lambda: ui.wait_charts_drawn(".chart-card", count=1)[0]["hash"] == before["hash"], msg="full range redrawn")


def test_smoothing_slider_changes_pixels(ui, seed):
    open_compare(ui, seed, "&metric=acc")
    before = ui.wait_charts_drawn(".chart-card", count=1)[0]
    slider = ui.find('input[type=range][aria-label^="Smoothing"]')
    slider.send_keys(*([Keys.ARROW_RIGHT] * 80))
    ui.wait(lambda: ui.hash_query().get("smooth") == "0.8", msg="smooth=0.8 in the URL")
    assert ui.find(".smooth-val").text == "0.80"

    def redrawn():
        s = ui.canvases(".chart-card")[0]
        return s if s["hash"] != before["hash"] else False
    after = ui.wait(redrawn, msg="chart redrawn after smoothing")
    # the noisy raw lines stay as faint ghosts; the strong lines are smooth and cover fewer pixels
    assert after["colored"] < 0.8 * before["colored"], (before["colored"], after["colored"])
    ui.screenshot("compare-smoothed")
    slider.send_keys(Keys.HOME)
    ui.wait(lambda: "smooth" not in ui.hash_query())
    ui.wait(lambda: ui.canvases(".chart-card")[0]["hash"] == before["hash"], msg="unsmoothed again")


def test_smoothing_slider_mouse_drag(ui, seed):
    """Dragging the slider keeps going: the view must not replace the slider on every input event."""
    open_compare(ui, seed, "&metric=acc")
    before = ui.wait_charts_drawn(".chart-card", count=1)[0]
    slider = ui.find('input[type=range][aria-label^="Smoothing"]')
    w = slider.size["width"]
    (ActionChains(ui.d).move_to_element_with_offset(slider, -w // 2 + 2, 0).click_and_hold()
     .move_by_offset(w // 4, 0).move_by_offset(w // 4, 0).move_by_offset(w // 4, 0).release().perform())
    ui.wait(lambda: float(ui.hash_query().get("smooth", 0)) >= 0.6, msg=f"smooth after a 3/4 drag: {ui.hash_query().get('smooth')}")
    assert ui.find(".smooth-val").text == f"{float(ui.hash_query()['smooth']):.2f}"
    ui.wait(lambda: ui.canvases(".chart-card")[0]["hash"] != before["hash"], msg="chart redrawn")


def rows_shown(ui):
    return ui.js("""return [...document.querySelectorAll('.diff-table tbody tr')]
        .filter((tr) => tr.querySelector('td.key')).map((tr) => tr.querySelector('td.key').textContent)""")


def test_differences_only_toggle(ui, seed):
    open_compare(ui, seed)
    ui.wait(lambda: ui.finds(".diff-table"))
    params = ["dataset", "epochs", "lr", "optimizer", "seed"]
    assert rows_shown(ui) == params + ["acc", "loss"]
    assert "4 of 5 params differ" not in ui.find(".compare-page").text  # 3 of 5 differ (lr, optimizer, seed)
    assert "3 of 5 params differ" in ui.find(".compare-page").text
    toggle = ui.d.find_element("xpath", "//label[contains(., 'Differences only')]/input")
    toggle.click()
    ui.wait(lambda: ui.hash_query().get("diff") == "1")
    ui.wait(lambda: rows_shown(ui) == ["lr", "optimizer", "seed", "acc", "loss"], msg="equal params hidden")
    toggle = ui.d.find_element("xpath", "//label[contains(., 'Differences only')]/input")
    assert toggle.is_selected()
    toggle.click()
    ui.wait(lambda: rows_shown(ui) == params + ["acc", "loss"], msg="all params back")


def test_highlight_best_metric(ui, seed):
    open_compare(ui, seed)
    ui.wait(lambda: ui.finds(".diff-table td.best"))
    best = ui.js("return [...document.querySelectorAll('.diff-table tbody tr')].filter((tr) => tr.querySelector('td.key')?.textContent === 'acc')[0].querySelector('td.best').textContent")
    assert float(best) == seed.by_name("run-07")["acc"]


def test_no_zoom_request_when_not_dragged(ui, seed):
    """A plain click on a chart is not a zoom."""
    open_compare(ui, seed, "&metric=acc")
    ui.wait_charts_drawn(".chart-card", count=1)
    ActionChains(ui.d).click(ui.find(".chart-card canvas.chart-layer-over")).perform()
    try:
        ui.wait(lambda: "zoom" in ui.hash_query(), timeout=1)
        raise AssertionError("a click zoomed the chart")
    except TimeoutException:
        pass


def seeded_acc(i, step):
    """acc of run-0<i> at `step`, as conftest.Seed logged it."""
    final = round(0.32 + 0.05 * i, 4)
    if step == STEPS - 1:
        return final
    t = step / (STEPS - 1)
    return final * (1 - math.exp(-5 * t)) + 0.06 * noise(i, step)


def hover_tip(ui, frac, card=".chart-card"):
    """Hover the first chart at `frac` of its width; return (head, [(name, value)]) of the tooltip."""
    canvas = ui.find(f"{card} canvas.chart-layer-over")
    w = canvas.size["width"]
    ActionChains(ui.d).move_to_element_with_offset(canvas, int(w * (frac - 0.5)), 0).perform()
    ui.wait(lambda: ui.js("const t = document.querySelector(arguments[0] + ' .chart-tip'); return t && !t.hidden", card), msg="tooltip")
    return ui.js("""const t = document.querySelector(arguments[0] + ' .chart-tip');
        return [t.querySelector('.chart-tip-head').textContent,
                [...t.querySelectorAll('.chart-tip-row')].map((r) => [r.querySelector('.chart-tip-name').textContent, r.querySelector('.chart-tip-val').textContent])]""", card)


def leave_chart(ui):
    ActionChains(ui.d).move_to_element(ui.find(".compare-page h1")).perform()


def test_hover_crosshair_lists_every_run(ui, seed):
    open_compare(ui, seed, "&metric=acc")
    ui.wait_charts_drawn(".chart-card", count=1)
    head, rows = hover_tip(ui, 0.5)
    assert head.startswith("step ")
    assert sorted(n for n, _ in rows) == sorted(NAMES), rows
    assert all(v and float(v) == float(v) for _, v in rows)  # numbers
    over = ui.js("return __trackTest.inspect(document.querySelector('.chart-card canvas.chart-layer-over'))")
    assert over["painted"] > 100 and over["colored"] > 10, over  # crosshair + a dot per run
    leave_chart(ui)
    ui.wait(lambda: ui.js("return document.querySelector('.chart-card .chart-tip').hidden"))


def click_button(ui, text):
    ui.d.find_element("xpath", f"//button[normalize-space(.)='{text}']").click()


def test_x_axis_step_wall_time_relative(ui, seed):
    open_compare(ui, seed, "&metric=acc")
    step = ui.wait_charts_drawn(".chart-card", count=1)[0]
    click_button(ui, "Wall time")
    ui.wait(lambda: ui.hash_query().get("x") == "time")
    wall = ui.wait(lambda: (s := ui.canvases(".chart-card")[0])["hash"] != step["hash"] and s["colored"] > 50 and s, msg="redrawn on wall time")
    head, rows = hover_tip(ui, 0.5)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", head), head
    leave_chart(ui)
    # the runs started 10 minutes apart: on wall time they sit side by side, not on top of each other
    assert wall["maxX"] - wall["minX"] > 0.7 * wall["w"], wall
    click_button(ui, "Relative")
    ui.wait(lambda: ui.hash_query().get("x") == "relative")
    rel = ui.wait(lambda: (s := ui.canvases(".chart-card")[0])["hash"] not in (step["hash"], wall["hash"]) and s["colored"] > 50 and s, msg="redrawn on relative time")
    assert rel["maxX"] - rel["minX"] > 0.7 * rel["w"], rel
    head, rows = hover_tip(ui, 0.5)
    assert re.fullmatch(r"\d+m\s\d\ds", head), head  # "4m 10s" into each run
    assert len(rows) == 3
    leave_chart(ui)
    click_button(ui, "Step")
    ui.wait(lambda: "x" not in ui.hash_query())
    ui.wait(lambda: ui.canvases(".chart-card")[0]["hash"] == step["hash"], msg="back to steps")


def test_log_scale(ui, seed):
    open_compare(ui, seed, "&metric=loss")
    before = ui.wait_charts_drawn(".chart-card", count=1)[0]
    canvas_mean_y = "return __trackTest.coloredMeanY(__trackTest.baseCanvases('.chart-card')[0], 0.6, 0.95)"
    linear = ui.js(canvas_mean_y)
    ui.d.find_element("xpath", "//label[contains(., 'Log scale')]/input").click()
    ui.wait(lambda: ui.hash_query().get("log") == "1")
    ui.wait(lambda: ui.canvases(".chart-card")[0]["hash"] != before["hash"], msg="redrawn on a log scale")
    log = ui.js(canvas_mean_y)
    # loss decays from ~2.5 to ~0.2: on a linear axis the tail hugs the bottom, on a log axis it rises
    assert log < linear - 0.08, (linear, log)
    ui.screenshot("compare-log-scale")


def select(ui, label, text):
    Select(ui.find(f'select[aria-label="{label}"]')).select_by_visible_text(text)


def test_parallel_coordinates_and_scatter_choices(ui, seed):
    open_compare(ui, seed)
    ui.wait(lambda: len(ui.canvases(".plot-box")) == 2 and all(s["painted"] > 500 for s in ui.canvases(".plot-box")))
    pc0, sc0 = ui.canvases(".plot-box")
    select(ui, "Metric for parallel coordinates", "acc")
    ui.wait(lambda: ui.hash_query().get("pc") == "acc")
    ui.wait(lambda: ui.canvases(".plot-box")[0]["hash"] != pc0["hash"], msg="parallel coordinates recoloured by acc")
    accs = [seed.by_name(n)["acc"] for n in NAMES]
    assert [float(e.text) for e in ui.finds(".ramp-legend .mono")] == [min(accs), max(accs)]  # the colour scale's ends
    select(ui, "Param on x", "seed")
    ui.wait(lambda: ui.hash_query().get("sx") == "seed")
    select(ui, "Metric on y", "loss")
    ui.wait(lambda: ui.hash_query().get("sy") == "loss")
    ui.wait(lambda: ui.canvases(".plot-box")[1]["hash"] != sc0["hash"], msg="scatter redrawn")
    # hovering a point names its run; clicking opens it
    box = ui.finds(".plot-box")[1]
    ui.js("arguments[0].scrollIntoView({block: 'center'})", box)
    target = ui.js("""const c = arguments[0].querySelector('canvas.chart-layer-base'), r = c.getBoundingClientRect();
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 200 && Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 80) {
          const p = i / 4; return [p % c.width / devicePixelRatio - r.width / 2, Math.floor(p / c.width) / devicePixelRatio + 3 - r.height / 2]; }
        return null""", box)
    assert target, "no point drawn on the scatter"
    ActionChains(ui.d).move_to_element_with_offset(box.find_element("css selector", "canvas.chart-layer-over"), int(target[0]), int(target[1])).perform()
    ui.wait(lambda: ui.js("const t = arguments[0].querySelector('.chart-tip'); return t && !t.hidden", box), msg="scatter tooltip")
    name = ui.js("return arguments[0].querySelector('.chart-tip-head').textContent", box)
    assert name in NAMES
    ActionChains(ui.d).click().perform()
    ui.wait(lambda: ui.hash() == f"#/runs/{seed.by_name(name)['id']}", msg="click opens the run")


def test_group_by_param_mean_with_band(ui, seed):
    names = ("run-02", "run-05", "run-07", "run-08")  # sgd, adam, adam, sgd
    ids = [seed.by_name(n)["id"] for n in names]
    ui.open(f"#/compare?runs={','.join(ids)}&metric=acc")
    before = ui.wait_charts_drawn(".chart-card", count=1)[0]
    lines_only = ui.js("return __trackTest.bandPixels(__trackTest.baseCanvases('.chart-card')[0])")
    select(ui, "Group runs by param", "optimizer")
    ui.wait(lambda: ui.hash_query().get("group") == "optimizer")
    ui.wait(lambda: [c.text.replace("\n", " ") for c in ui.finds(".compare-legend .run-chip")] == ["adam ×2", "sgd ×2"], msg="group legend")
    ui.wait(lambda: ui.canvases(".chart-card")[0]["hash"] != before["hash"], msg="redrawn grouped")
    bands = ui.js("return __trackTest.bandPixels(__trackTest.baseCanvases('.chart-card')[0])")
    assert bands > 5000 and bands > 10 * lines_only, (lines_only, bands)  # min-max bands
    colors = ui.js("return [...document.querySelectorAll('.compare-legend .swatch')].map((s) => getComputedStyle(s).backgroundColor)")
    assert len(set(colors)) == 2
    head, rows = hover_tip(ui, 0.5)
    assert sorted(n for n, _ in rows) == ["optimizer=adam (2)", "optimizer=sgd (2)"], rows
    # the line is the group's mean: adam = run-05 and run-07, at the step under the cursor
    leave_chart(ui)
    head, rows = hover_tip(ui, 0.8)
    step = int(head.split()[1].replace(",", ""))
    want = (seeded_acc(5, step) + seeded_acc(7, step)) / 2
    assert abs(float(dict(rows)["optimizer=adam (2)"]) - want) < 1e-4 * abs(want), (step, rows, want)
    leave_chart(ui)
    ui.screenshot("compare-grouped")


def test_zoom_in_relative_time_requeries_step_ranges(ui, seed):
    ids = open_compare(ui, seed, "&metric=acc&x=relative")
    ui.wait_charts_drawn(".chart-card", count=1)
    ui.js("performance.clearResourceTimings()")
    canvas = ui.find(".chart-card canvas.chart-layer-over")
    w = canvas.size["width"]
    (ActionChains(ui.d).move_to_element_with_offset(canvas, int(-0.2 * w), 0).click_and_hold()
     .move_by_offset(int(0.1 * w), 0).move_by_offset(int(0.1 * w), 0).release().perform())
    ui.wait(lambda: "zoom" in ui.hash_query(), msg="zoom in the URL")
    t0, t1 = map(float, ui.hash_query()["zoom"].split(","))  # milliseconds since each run's start
    assert 0 < t0 < t1 < 500_000, (t0, t1)
    # the seeded points are one second apart: the time window maps to about the same step window
    ui.wait(lambda: {r["run_id"] for r in series_requests(ui) if "min_step" in r} == set(ids), msg="zoomed series requests")
    for r in series_requests(ui):
        if "min_step" not in r:
            continue
        lo, hi = int(r["min_step"]), int(r["max_step"])
        assert lo <= t0 / 1000 + 1 and hi >= t1 / 1000 - 1 and hi - lo < (t1 - t0) / 1000 + 5, (r, t0, t1)
    head, rows = hover_tip(ui, 0.5)
    assert re.fullmatch(r"\d+m\s\d\ds", head), head
    assert len(rows) == 3


def test_more_than_fifty_runs_in_a_link(ui, seed):
    ids = [r["id"] for r in seed.runs] + [f"{i:032x}" for i in range(45)]  # 55 ids
    ui.console.allow(r"runs/get.*404")
    ui.open(f"#/compare?runs={','.join(ids)}")
    ui.wait(lambda: ui.finds(".note-box"), msg="notice about the cap")
    assert ui.find(".note-box").text == "Comparing the first 50 of the 55 runs in the link: a comparison holds at most 50."
    ui.wait(lambda: ui.find(".compare-page h1").text == "Comparing 10 runs")
    assert "40 runs could not be loaded" in ui.find(".compare-page .error-box").text
