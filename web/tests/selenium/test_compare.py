"""Compare view: charts draw, drag-to-zoom re-queries the server, EMA smoothing, differences only."""
from __future__ import annotations

import urllib.parse

from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

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
