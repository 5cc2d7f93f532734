"""Metric sections by name prefix: `train/loss` in "train", unprefixed names in "Metrics" first,
`system/...` (machine metrics) in "System" last, on the run page's Charts tab, its Overview table and
the compare page. Folded sections live in the URL (`fold=`) and load no charts."""
from __future__ import annotations

import math
import time
import urllib.parse
from types import SimpleNamespace

import pytest
from selenium.webdriver.common.keys import Keys

from conftest import Api, noise

SECTIONED = ["loss", "lr", "train/loss", "train/acc", "val/acc",
             "system/cpu_utilization_percentage", "system/memory_rss_megabytes"]
CPU, MEM = "system/cpu_utilization_percentage", "system/memory_rss_megabytes"
WANT = [
    ("Metrics", "", ["loss", "lr"]),
    ("train", "train", ["train/acc", "train/loss"]),
    ("val", "val", ["val/acc"]),
    ("System", "system", [CPU, MEM]),
]
STEPS = 120


def value(key, i, s):
    t = s / (STEPS - 1)
    return {
        "loss": 2.0 * math.exp(-3 * t) + 0.1 + 0.05 * abs(noise(i, s)),
        "lr": 0.01 * (1 - t) + 1e-4,
        "train/loss": 1.8 * math.exp(-4 * t) + 0.05 * abs(noise(i + 10, s)),
        "train/acc": 0.9 * (1 - math.exp(-5 * t)) + 0.03 * noise(i + 20, s),
        "val/acc": 0.85 * (1 - math.exp(-4 * t)) + 0.02 * noise(i + 30, s),
        "acc": 0.8 * (1 - math.exp(-3 * t)) + 0.02 * noise(i + 60, s),
        CPU: 55 + 30 * abs(noise(i + 40, s)),
        MEM: 900 + 400 * t + 20 * noise(i + 50, s),
    }[key]


def log_run(api, exp, name, keys, start, i):
    rid = api.create_run(exp, name, start)
    api.log_batch(rid, metrics=[{"key": k, "value": value(k, i, s), "timestamp": start + s * 1000, "step": s}
                                for s in range(STEPS) for k in keys])
    api.finish(rid, start + STEPS * 1000)
    return rid


@pytest.fixture
def seeded(fresh_server):
    """On a server of its own: two runs with the seven metrics, one with only unprefixed names, one with only train/..."""
    api = Api(fresh_server.url)
    now = int(time.time() * 1000)
    exp = api.create_experiment("sections")
    a = log_run(api, exp, "sections-a", SECTIONED, now - 3_600_000, 1)
    b = log_run(api, exp, "sections-b", SECTIONED, now - 1_800_000, 2)
    plain = log_run(api, exp, "plain", ["loss", "acc"], now - 1_200_000, 3)
    train_only = log_run(api, exp, "train-only", ["train/loss", "train/acc"], now - 600_000, 4)
    return SimpleNamespace(exp=exp, a=a, b=b, plain=plain, train_only=train_only)


def sections(ui):
    """[(title, data-section, expanded, count, [chart titles])] of the chart sections, in page order."""
    return [tuple(s) for s in ui.js("""return [...document.querySelectorAll('.chart-section')].map((s) => {
        const b = s.querySelector('.fold-head > button.fold-toggle');
        return [b.querySelector('.fold-title').textContent, s.dataset.section, b.getAttribute('aria-expanded'),
                b.querySelector('.fold-count').textContent, [...s.querySelectorAll('.chart-card .card-head h2')].map((h) => h.textContent)];
    })""")]


def section_sel(section_id):
    return f'.chart-section[data-section="{section_id}"]'


def toggle(ui, section_id):
    return ui.find(f"{section_sel(section_id)} .fold-toggle")


def click_toggle(ui, section_id):
    """Click a section's toggle, scrolled clear of the sticky top bar (and the compare controls)."""
    b = toggle(ui, section_id)
    ui.js("arguments[0].scrollIntoView({block: 'center'})", b)
    b.click()


def fold_param(ui):
    return ui.hash_query().get("fold", "")


def series_keys(ui):
    """Metric keys of the metrics/series requests since the last clearResourceTimings()."""
    urls = ui.js("return performance.getEntriesByType('resource').map((e) => e.name).filter((u) => u.includes('/api/2.0/track/metrics/series'))")
    return {dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(u).query)).get("key") for u in urls}


def charts_drawn(ui, section_id, count):
    ui.js("arguments[0].scrollIntoView({block: 'center'})", ui.find(section_sel(section_id)))
    return ui.wait_charts_drawn(f"{section_sel(section_id)} .chart-card", count=count)


def wait_sections(ui, n=4):
    ui.wait(lambda: len(ui.finds(".chart-section")) == n, msg=f"{n} chart sections")


def test_run_charts_in_sections_fold_in_the_url(fresh_ui, seeded, console):
    ui = fresh_ui
    ui.open(f"#/runs/{seeded.a}?tab=charts")
    wait_sections(ui)
    got = sections(ui)
    assert [(t, i, k) for t, i, _, _, k in got] == WANT, got
    assert [(e, c) for _, _, e, c, _ in got] == [("true", "2"), ("true", "2"), ("true", "1"), ("true", "2")]
    # the toggles are real buttons that say what they control
    for sid in ("", "train", "val", "system"):
        b = toggle(ui, sid)
        assert b.tag_name == "button" and b.get_attribute("type") == "button"
        grid = ui.js("return document.getElementById(arguments[0].getAttribute('aria-controls'))", b)
        assert grid is not None and "chart-grid" in grid.get_attribute("class")
    charts_drawn(ui, "", 2)
    charts_drawn(ui, "system", 2)
    ui.js("window.scrollTo(0, 0)")
    assert "fold" not in ui.hash_query()

    # fold System: the URL says so, its charts are gone, the others stay
    click_toggle(ui, "system")
    ui.wait(lambda: fold_param(ui) == "system", msg="fold=system in the URL")
    ui.wait(lambda: not ui.finds(f"{section_sel('system')} .chart-card"), msg="System's charts removed")
    assert toggle(ui, "system").get_attribute("aria-expanded") == "false"
    assert not ui.find(f"{section_sel('system')} .chart-grid").is_displayed()
    assert [len(k) for _, _, _, _, k in sections(ui)] == [2, 2, 1, 0]
    assert ui.find(f"{section_sel('system')} .fold-count").text == "2"  # the count stays while folded
    assert ui.hash_query().get("tab") == "charts"

    # keyboard: Enter on the focused toggle folds "val" too
    toggle(ui, "val").send_keys(Keys.ENTER)
    ui.wait(lambda: fold_param(ui) == "system,val", msg="fold=system,val")
    ui.wait(lambda: not ui.finds(f"{section_sel('val')} .chart-card"))
    assert ui.js("return document.activeElement") == toggle(ui, "val")  # the keyboard stays on the toggle
    charts_drawn(ui, "train", 2)
    ui.js("document.querySelector(arguments[0]).scrollIntoView({block: 'start'})", f"{section_sel('train')} .fold-head")
    ui.screenshot("run-chart-sections")  # train open, val and System folded

    # a reload (or a shared link) keeps both folded, and loads no series of theirs
    ui.open(ui.hash())
    wait_sections(ui)
    ui.js("performance.clearResourceTimings()")
    got = sections(ui)
    assert [(t, e, len(k)) for t, _, e, _, k in got] == [("Metrics", "true", 2), ("train", "true", 2), ("val", "false", 0), ("System", "false", 0)]
    charts_drawn(ui, "", 2)
    charts_drawn(ui, "train", 2)
    ui.js("window.scrollTo(0, document.body.scrollHeight)")
    time.sleep(0.5)
    assert not ui.finds(".chart-section.is-folded .chart-card")
    keys = series_keys(ui)
    assert not any(k.startswith("system/") or k.startswith("val/") for k in keys), keys

    # unfold System again (Space works as on any button): the charts come back and draw
    toggle(ui, "system").send_keys(Keys.SPACE)
    ui.wait(lambda: fold_param(ui) == "val", msg="only val folded")
    assert toggle(ui, "system").get_attribute("aria-expanded") == "true"
    charts_drawn(ui, "system", 2)
    assert series_keys(ui) >= {CPU, MEM}


def test_metric_param_opens_its_folded_section(fresh_ui, seeded, console):
    ui = fresh_ui
    ui.open(f"#/runs/{seeded.a}?tab=charts&fold=system,val&metric={MEM}")
    wait_sections(ui)
    got = sections(ui)
    # System opens for the focused metric (it comes first there); val stays folded
    assert [(t, e, k) for t, _, e, _, k in got] == [
        ("Metrics", "true", ["loss", "lr"]), ("train", "true", ["train/acc", "train/loss"]),
        ("val", "false", []), ("System", "true", [MEM, CPU])], got
    focus = ui.js("return [...document.querySelectorAll('.chart-card.is-focus')].map((c) => c.id)")
    assert focus == [f"chart-{MEM}"], focus
    ui.wait(lambda: ui.js("""const r = document.getElementById(arguments[0]).getBoundingClientRect();
        return r.top >= 48 && r.bottom <= innerHeight + 1""", f"chart-{MEM}"), msg="focused chart scrolled into view")
    ui.wait_charts_drawn(f'[id="chart-{MEM}"]', count=1)
    # folding the focused metric's section folds it and drops the focus
    toggle(ui, "system").send_keys(Keys.ENTER)
    ui.wait(lambda: "metric" not in ui.hash_query() and fold_param(ui) == "system,val", msg=ui.hash())
    ui.wait(lambda: not ui.finds(f"{section_sel('system')} .chart-card"))
    assert toggle(ui, "system").get_attribute("aria-expanded") == "false"
    ui.wait(lambda: ui.js("return document.activeElement") == toggle(ui, "system"), msg="focus back on the redrawn toggle")

    # the Overview's row of a folded section's metric opens that chart with its section unfolded
    ui.open(f"#/runs/{seeded.a}?fold=system,val")
    ui.wait(lambda: ui.finds(".metric-table tbody td.key"), msg="metric table")
    ui.js("[...document.querySelectorAll('.metric-table td.key')].find((td) => td.textContent === arguments[0]).click()", CPU)
    ui.wait(lambda: ui.hash_query().get("tab") == "charts" and ui.hash_query().get("metric") == CPU, msg="chart opened")
    assert fold_param(ui) == "val"
    wait_sections(ui)
    assert toggle(ui, "system").get_attribute("aria-expanded") == "true"
    assert toggle(ui, "val").get_attribute("aria-expanded") == "false"
    ui.wait_charts_drawn(f'[id="chart-{CPU}"]', count=1)


def test_overview_metrics_table_grouped(fresh_ui, seeded, console):
    ui = fresh_ui
    ui.open(f"#/runs/{seeded.a}")
    ui.wait(lambda: ui.finds(".metric-table tbody td.key"), msg="metric table")
    assert len(ui.finds(".metric-table")) == 1  # still one table
    rows = ui.js("""return [...document.querySelectorAll('.metric-table tbody tr')].map((tr) => tr.classList.contains('metric-section-row')
        ? ['section', tr.querySelector('.metric-section-title').textContent, tr.querySelector('.metric-section-count').textContent]
        : ['metric', tr.querySelector('td.key').textContent])""")
    want = []
    for title, _, keys in WANT:
        want.append(["section", title, str(len(keys))])
        want += [["metric", k] for k in keys]
    assert rows == want, rows
    # the sub-headers span the table and are no links
    assert ui.js("return [...document.querySelectorAll('.metric-section-row th')].every((th) => th.colSpan === 6 && !th.closest('tr').title)")
    ui.wait(lambda: len(ui.finds("canvas.spark")) == 7 and all(s["colored"] > 10 for s in ui.js(
        "return [...document.querySelectorAll('canvas.spark')].slice(0, 4).map((c) => __trackTest.inspect(c))")), msg="sparklines")


def chip_groups(ui):
    return ui.js("""return [...document.querySelectorAll('.metric-chips .chip-group')].map((g) =>
        [g.querySelector('.chip-group-title').textContent, [...g.querySelectorAll('.metric-chip')].map((c) => c.textContent)])""")


def test_compare_sections_and_fold(fresh_ui, seeded, console):
    ui = fresh_ui
    ui.open(f"#/compare?runs={seeded.a},{seeded.b}")
    ui.wait(lambda: ui.finds(".compare-page h1") and ui.find(".compare-page h1").text == "Comparing 2 runs")
    wait_sections(ui)
    got = sections(ui)
    assert [(t, i, k) for t, i, _, _, k in got] == WANT, got
    assert all(e == "true" for _, _, e, _, _ in got)
    assert chip_groups(ui) == [[t, k] for t, _, k in WANT]
    charts_drawn(ui, "train", 2)
    ui.js("window.scrollTo(0, 0)")

    click_toggle(ui, "train")
    ui.wait(lambda: fold_param(ui) == "train", msg="fold=train")
    ui.wait(lambda: not ui.finds(f"{section_sel('train')} .chart-card"), msg="train's charts removed")
    assert toggle(ui, "train").get_attribute("aria-expanded") == "false"
    assert [len(k) for _, _, _, _, k in sections(ui)] == [2, 0, 1, 2]
    # the chips still toggle every metric, folded or not
    assert chip_groups(ui) == [[t, k] for t, _, k in WANT]

    click_toggle(ui, "system")
    ui.wait(lambda: fold_param(ui) == "train,system", msg="fold=train,system")
    ui.open(ui.hash())  # reload
    wait_sections(ui)
    ui.js("performance.clearResourceTimings()")
    got = sections(ui)
    assert [(t, e, len(k)) for t, _, e, _, k in got] == [("Metrics", "true", 2), ("train", "false", 0), ("val", "true", 1), ("System", "false", 0)]
    charts_drawn(ui, "", 2)
    charts_drawn(ui, "val", 1)
    time.sleep(0.5)
    keys = series_keys(ui)
    assert not any(k.startswith(("train/", "system/")) for k in keys), keys

    # unprefixed section folds as "~"
    click_toggle(ui, "")
    ui.wait(lambda: fold_param(ui) == "train,system,~", msg="fold=train,system,~")
    ui.wait(lambda: not ui.finds(f"{section_sel('')} .chart-card"))
    click_toggle(ui, "train")
    ui.wait(lambda: fold_param(ui) == "system,~")
    charts_drawn(ui, "train", 2)

    # showing one metric only (Focus) leaves a single section: no headings
    ui.open(f"#/compare?runs={seeded.a},{seeded.b}&metric=train/acc,train/loss&fold=train")
    ui.wait(lambda: len(ui.finds(".chart-card")) == 2, msg="two charts, one section")
    assert not ui.finds(".fold-section") and not ui.finds(".fold-toggle")


def test_no_headers_without_prefixes(fresh_ui, seeded, console):
    ui = fresh_ui
    for rid in (seeded.plain, seeded.train_only):
        # a fold in the URL cannot hide the only section
        ui.open(f"#/runs/{rid}?tab=charts&fold=~,train")
        ui.wait_charts_drawn(".chart-card", count=2)
        assert not ui.finds(".fold-section") and not ui.finds(".fold-toggle") and not ui.finds(".chart-section")
        ui.open(f"#/runs/{rid}")
        ui.wait(lambda: len(ui.finds(".metric-table tbody td.key")) == 2, msg="metric table")
        assert not ui.finds(".metric-section-row")
    ui.open(f"#/compare?runs={seeded.plain},{seeded.train_only}")
    ui.wait(lambda: ui.finds(".compare-page h1") and ui.find(".compare-page h1").text == "Comparing 2 runs")
    # acc, loss (unprefixed) and train/...: two sections here
    wait_sections(ui, 2)
    assert [(t, k) for t, _, _, _, k in sections(ui)] == [("Metrics", ["acc", "loss"]), ("train", ["train/acc", "train/loss"])]
    ui.open(f"#/compare?runs={seeded.plain}")
    ui.wait_charts_drawn(".chart-card", count=2)
    assert not ui.finds(".fold-section") and not ui.finds(".chip-group")
