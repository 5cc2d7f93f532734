"""Look and feel: the theme follows the system (light and dark, switching while a page is open),
charts are crisp on high-DPI screens, and charts draw at most once per animation frame."""
from __future__ import annotations

from contextlib import contextmanager

NAMES = ("run-01", "run-04", "run-08")


@contextmanager
def color_scheme(ui, scheme):
    ui.d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
    try:
        yield
    finally:
        ui.d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


def luminance(css_color):
    r, g, b = [int(x) for x in css_color[css_color.index("(") + 1:css_color.index(")")].split(",")[:3]]
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


def background(ui, selector="body"):
    return luminance(ui.js("return getComputedStyle(document.querySelector(arguments[0])).backgroundColor", selector))


def text_pixels_luminance(ui):
    """Mean luminance of the grey (axis labels, grid) pixels painted on the first chart."""
    return ui.js("""const c = __trackTest.baseCanvases('.chart-card')[0];
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let s = 0, n = 0;
        for (let i = 0; i < d.length; i += 4) {
          if (d[i + 3] < 200 || Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 30) continue;
          s += (0.2126 * d[i] + 0.7152 * d[i + 1] + 0.0722 * d[i + 2]) / 255; n++;
        }
        return n ? s / n : null;""")


def open_compare(ui, seed):
    ids = [seed.by_name(n)["id"] for n in NAMES]
    ui.open(f"#/compare?runs={','.join(ids)}")
    ui.wait(lambda: ui.finds(".compare-page h1") and ui.find(".compare-page h1").text == "Comparing 3 runs")
    return ui.wait_charts_drawn(".chart-card", count=2)


def test_dark_theme_follows_the_system(ui, seed):
    with color_scheme(ui, "dark"):
        open_compare(ui, seed)
        assert background(ui) < 0.1 and background(ui, ".card") < 0.15
        assert luminance(ui.js("return getComputedStyle(document.body).color")) > 0.8
        # chart labels stand out from the dark card: lighter than it
        dark_labels = text_pixels_luminance(ui) - background(ui, ".card")
        assert dark_labels > 0.3, dark_labels
        ui.screenshot("compare-dark")
        ui.open(f"#/experiments/{seed.exp}")
        ui.wait(lambda: len(ui.run_rows()) == 10)
        ui.screenshot("runs-table-dark")
        ui.open(f"#/runs/{seed.by_name('run-05')['id']}")
        ui.wait(lambda: all(s["colored"] > 20 for s in ui.js(
            "return [...document.querySelectorAll('canvas.spark')].map((c) => __trackTest.inspect(c))")) and ui.finds("canvas.spark"))
        ui.screenshot("run-overview-dark")
        # the system switches to light while the page is open: the page and its charts follow
        open_compare(ui, seed)
        before = ui.canvases(".chart-card")[0]
        ui.d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "light"}]})
        ui.wait(lambda: background(ui) > 0.9, msg="light background")
        ui.wait(lambda: ui.canvases(".chart-card")[0]["hash"] != before["hash"], msg="charts redrawn in the light theme")
        light_labels = text_pixels_luminance(ui) - background(ui, ".card")
        assert light_labels < -0.3, (dark_labels, light_labels)  # and darker than the light card


def test_high_dpi_canvases_are_sharp(ui, seed):
    ui.d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 1400, "height": 900, "deviceScaleFactor": 2, "mobile": False})
    try:
        ui.open(f"#/runs/{seed.by_name('run-03')['id']}?tab=charts")
        ui.wait(lambda: ui.js("return devicePixelRatio") == 2)
        ui.wait_charts_drawn(".chart-card", count=2)
        sizes = ui.js("""return [...document.querySelectorAll('.chart-card canvas.chart-layer')].map((c) => {
            const r = c.getBoundingClientRect(); return [c.width, c.height, r.width, r.height]; })""")
        assert len(sizes) == 4
        for w, h, cw, ch in sizes:
            assert (w, h) == (round(cw * 2), round(ch * 2)), (w, h, cw, ch)  # one canvas pixel per device pixel
        # sparklines too
        ui.open(f"#/runs/{seed.by_name('run-03')['id']}")
        ui.wait(lambda: ui.finds("canvas.spark") and all(s["colored"] > 20 for s in ui.js(
            "return [...document.querySelectorAll('canvas.spark')].map((c) => __trackTest.inspect(c))")))
        spark = ui.js("const c = document.querySelector('canvas.spark'); return [c.width, c.clientWidth]")
        assert spark[0] == 2 * spark[1], spark
    finally:
        ui.d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_one_draw_per_frame(ui, seed):
    ids = [seed.by_name(n)["id"] for n in NAMES]
    ui.open(f"#/compare?runs={','.join(ids)}&metric=acc")
    ui.wait_charts_drawn(".chart-card", count=1)
    ui.js("__trackTest.watchDraws()")
    # a burst of 30 smoothing changes and 60 pointer moves in one task: each canvas draws once
    ui.js("""const s = document.querySelector('input[type=range]');
        for (let i = 1; i <= 30; i++) { s.value = String(i / 100); s.dispatchEvent(new Event('input', { bubbles: true })); }
        const over = document.querySelector('.chart-card .line-chart'), r = over.getBoundingClientRect();
        for (let i = 0; i < 60; i++) over.dispatchEvent(new PointerEvent('pointermove', { clientX: r.left + 100 + i * 5, clientY: r.top + 100, bubbles: true }));""")
    ui.wait(lambda: ui.hash_query().get("smooth") == "0.3")
    ui.wait(lambda: ui.js("return __trackTest.drawsPerFrame().total") >= 2, msg="charts redrew")
    ui.js("return new Promise((r) => setTimeout(r, 300))")
    draws = ui.js("return __trackTest.drawsPerFrame()")
    assert draws["worst"] == 1, draws  # never two draws of one canvas in the same frame
    assert draws["total"] <= 6, draws  # base + overlay, a frame or two: not 90 redraws
