"""Every view loads against the real server with no console errors, and draws what it should.
Each test leaves a 1400x900 screenshot in docs/screenshots/."""
from __future__ import annotations


def test_experiments_list(ui, seed):
    ui.open("#/")
    ui.wait(lambda: len(ui.finds("table.exp-table tbody tr")) == 4 and not ui.finds(".exp-table .skeleton"),
            msg="experiment rows with run counts")
    names = [e.text for e in ui.finds(".exp-table a.exp-name")]
    assert set(names) == {"Default", "vision-sweep", "live-demo", "status-zoo"}
    rows = ui.js("""return Object.fromEntries([...document.querySelectorAll('.exp-table tbody tr')]
        .map((tr) => [tr.querySelector('a.exp-name').textContent, [tr.querySelector('td.runs-count').textContent.trim(), tr.textContent]]))""")
    counts = {k: v[0] for k, v in rows.items()}
    assert counts == {"vision-sweep": "10", "live-demo": "2", "status-zoo": "4", "Default": "0"}, counts
    assert "1 running" in rows["live-demo"][1]  # live-demo's RUNNING run
    assert "running" not in rows["vision-sweep"][1]
    assert not ui.find(".first-run").is_displayed()  # runs exist: no first-run help
    assert ui.d.title.startswith("Experiments")
    ui.screenshot("experiments")


def test_runs_table(ui, seed):
    ui.open(f"#/experiments/{seed.exp}")
    ui.wait(lambda: len(ui.run_rows()) == 10, msg="10 run rows")
    ui.wait(lambda: ui.find(".runs-page .subtitle").text.startswith("10 runs"))
    rows = ui.run_rows()
    # default order: newest start first
    assert [r["name"] for r in rows] == [f"run-{i:02d}" for i in range(9, -1, -1)]
    heads = ui.header_cells()
    for col in ("Status", "Run", "acc", "loss", "lr", "optimizer"):
        assert col in heads, heads
    acc = heads.index("acc")
    assert [float(r["cells"][acc]) for r in rows] == [seed.by_name(r["name"])["acc"] for r in rows]
    assert all(r["cells"][1] == "finished" for r in rows)
    assert ui.find(".exp-crumb").text == "vision-sweep"
    ui.screenshot("runs-table")


def test_run_overview(ui, seed):
    run = seed.by_name("run-05")
    ui.open(f"#/runs/{run['id']}")
    ui.wait(lambda: ui.finds(".metric-table tbody tr"), msg="metric table")
    assert ui.find("h1 .title").text == "run-05"
    keys = [e.text for e in ui.finds(".metric-table tbody td.key")]
    assert keys == ["acc", "loss"]
    # sparklines draw (one canvas per metric), summaries fill min/max/points
    ui.wait(lambda: all(s["colored"] > 20 for s in ui.js(
        "return [...document.querySelectorAll('canvas.spark')].map((c) => __trackTest.inspect(c))")), msg="sparklines")
    ui.wait(lambda: ui.js("return [...document.querySelectorAll('.metric-table tbody tr')].every((tr) => tr.children[4].textContent.trim() === '500')"),
            msg="points column = 500")
    params = ui.js("return Object.fromEntries([...document.querySelectorAll('.card')].filter((c) => c.querySelector('h2')?.textContent === 'Parameters')[0].querySelectorAll('tbody tr').values().map((tr) => [tr.children[0].textContent, tr.children[1].textContent]))")
    assert params == run["params"]
    ui.screenshot("run-overview")


def test_run_charts(ui, seed):
    run = seed.by_name("run-02")
    ui.open(f"#/runs/{run['id']}?tab=charts")
    stats = ui.wait_charts_drawn(".chart-card", count=2)
    for s in stats:
        # a line across the whole x range: colored pixels from the left to the right of the plot
        assert s["maxX"] - s["minX"] > 0.7 * s["w"], s
        assert s["maxY"] - s["minY"] > 0.3 * s["h"], s
    last = ui.find("#chart-acc .card-head .actions").text
    assert last == f"last {run['acc']} @ 499", last
    ui.screenshot("run-charts")


def test_run_artifacts_view(ui, seed):
    run = seed.art_run
    ui.open(f"#/runs/{run['id']}?tab=artifacts&file=results.csv")
    ui.wait(lambda: ui.finds(".art-preview table.csv-table tbody tr"), msg="csv preview")
    names = [e.text for e in ui.finds(".art-tree > ul > li > .art-item .name")]
    assert names == ["plots", "config.json", "notes.txt", "report.html", "results.csv"], names
    ui.screenshot("run-artifacts")


def test_compare_view(ui, seed):
    ids = [seed.by_name(n)["id"] for n in ("run-01", "run-04", "run-08")]
    ui.open(f"#/compare?runs={','.join(ids)}")
    ui.wait(lambda: ui.find(".compare-page h1").text == "Comparing 3 runs", msg="compare header")
    stats = ui.wait_charts_drawn(".chart-card", count=2)
    for s in stats:
        assert s["maxX"] - s["minX"] > 0.7 * s["w"], s
    legend = [e.text for e in ui.finds(".compare-legend .run-chip a")]
    assert legend == ["run-01", "run-04", "run-08"]
    # parallel coordinates + scatter draw too
    ui.wait(lambda: all(s["painted"] > 500 for s in ui.canvases(".plot-box")) and len(ui.canvases(".plot-box")) == 2,
            msg="parallel coordinates and scatter")
    ui.screenshot("compare")
    ui.js("[...document.querySelectorAll('.section-title')].find((t) => t.textContent.startsWith('Parameters')).scrollIntoView({block: 'start'})")
    ui.screenshot("compare-params")


def test_unknown_route_and_missing_run(ui, seed):
    ui.open("#/no/such/page")
    ui.wait(lambda: "Page not found" in ui.find("#app").text)
    ui.console.allow(r"runs/get.*404")
    ui.open("#/runs/0123456789abcdef0123456789abcdef")
    ui.wait(lambda: ui.finds(".error-box"), msg="run not found error")
    assert "not found" in ui.find(".error-box").text.lower()
