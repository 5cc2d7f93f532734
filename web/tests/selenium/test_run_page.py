"""Run page details: system tags shown readably, crashed runs explained, downloads for files with
no preview, and the links the mlflow client prints."""
from __future__ import annotations

import re

from conftest import BINARY_ARTIFACT, GIT_COMMIT


def system_tags(ui):
    """{raw key: (label, shown text, title)} of the System tags table."""
    return {k: tuple(v) for k, v in ui.js("""return Object.fromEntries([...document.querySelectorAll('.sys-tags tr[data-key]')].map((tr) => {
        const v = tr.querySelector('.sys-val').firstElementChild;
        return [tr.dataset.key, [tr.querySelector('.sys-key').firstChild.textContent, v.textContent, v.getAttribute('title') || v.getAttribute('href') || '']];
    }))""").items()}


def details(ui):
    return ui.js("""const dl = document.querySelector('dl.kv'); const out = {};
        dl.querySelectorAll('dt').forEach((dt) => { out[dt.textContent] = dt.nextElementSibling.textContent; }); return out""")


def test_system_tags_readable(ui, seed):
    ui.open(f"#/runs/{seed.child}")
    ui.wait(lambda: ui.finds(".sys-tags tr[data-key]"), msg="system tags")
    assert ui.find(".sys-tags").get_attribute("open") is not None  # shown, not tucked away
    tags = system_tags(ui)
    assert tags["mlflow.source.git.commit"] == ("Git commit", GIT_COMMIT[:12], GIT_COMMIT)
    assert tags["mlflow.source.git.branch"][:2] == ("Git branch", "main")
    assert tags["mlflow.source.git.repoURL"] == ("Git repository", "https://git.example.com/vision/models.git", "https://git.example.com/vision/models.git")
    assert tags["mlflow.source.type"][:2] == ("Source type", "local script")
    assert tags["mlflow.source.name"][:2] == ("Source", "/home/dave/src/train.py")
    assert tags["mlflow.parentRunId"] == ("Parent run", seed.crashed, f"#/runs/{seed.crashed}")
    assert tags["mlflow.user"][:2] == ("User", "dave")
    # the important ones are in the Details card as well
    d = details(ui)
    assert d["Git commit"].startswith(GIT_COMMIT[:12]) and "main" in d["Git commit"]
    assert d["Repository"] == "https://git.example.com/vision/models.git"
    assert d["Parent run"] == seed.crashed
    assert d["Source"].startswith("/home/dave/src/train.py")
    # user tags stay apart from system tags
    ui.js("const c = document.querySelector('.sys-tags').closest('.card'); window.scrollTo(0, c.getBoundingClientRect().top + scrollY - 64)")
    ui.screenshot("run-system-tags")
    ui.js("[...document.querySelectorAll('.sys-tags a')].find((a) => a.textContent === arguments[0]).click()", seed.crashed)
    ui.wait(lambda: ui.hash() == f"#/runs/{seed.crashed}", msg="parent run link")


def test_crashed_run_explained(ui, seed):
    ui.open(f"#/runs/{seed.crashed}")
    ui.wait(lambda: ui.finds("h1 .pill"))
    assert ui.find("h1 .pill").text.lower() == "crashed"
    assert not ui.finds(".subtitle .live")  # a crashed run is not "live"
    d = details(ui)
    assert "no heartbeat for over 5 min" in d["Status"], d["Status"]
    assert d["Ended"] == "—"
    tags = system_tags(ui)
    assert tags["track.heartbeat"][0] == "Last heartbeat"
    assert re.fullmatch(r"1\d min ago \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\)", tags["track.heartbeat"][1]), tags["track.heartbeat"]
    assert tags["track.heartbeat_interval_ms"][:2] == ("Heartbeat interval", "every 30s")


def test_download_for_files_without_preview(ui, seed):
    ui.open(f"#/runs/{seed.child}?tab=artifacts&file=model.bin")
    ui.wait(lambda: ui.finds(".art-preview-body .card-empty"), msg="no-preview panel")
    assert "No preview for this file type." in ui.find(".art-preview-body").text
    links = ui.js("return [...document.querySelectorAll('.art-preview a[download]')].map((a) => [a.getAttribute('href'), a.getAttribute('download'), a.textContent])")
    assert len(links) == 2 and all(l[1] == "model.bin" and l[2] == "Download" for l in links), links
    href = links[0][0]
    assert href == f"/api/2.0/mlflow-artifacts/artifacts/{seed.zoo}/{seed.child}/artifacts/model.bin"
    got = ui.d.execute_async_script("""const done = arguments[arguments.length - 1];
        fetch(arguments[0]).then(async (r) => done({ status: r.status, disposition: r.headers.get('content-disposition'),
            csp: r.headers.get('content-security-policy'), bytes: [...new Uint8Array(await r.arrayBuffer())] }));""", href)
    assert got["status"] == 200
    assert got["disposition"].startswith("attachment"), got["disposition"]
    assert "sandbox" in got["csp"], got["csp"]
    assert bytes(got["bytes"]) == BINARY_ARTIFACT
    ui.screenshot("run-artifacts-download")


def test_mlflow_links_open_our_pages(ui, seed):
    ui.open(f"#/experiments/{seed.zoo}/runs/{seed.child}")
    ui.wait(lambda: ui.hash() == f"#/runs/{seed.child}", msg="run link shown as our URL")
    ui.wait(lambda: ui.finds("h1 .title") and ui.find("h1 .title").text == "child-run")
    ui.open(f"#/experiments/{seed.zoo}/runs/{seed.child}/artifacts/model.bin")
    ui.wait(lambda: ui.hash() == f"#/runs/{seed.child}?tab=artifacts&file=model.bin")
    ui.wait(lambda: ui.finds(".art-item.is-active") and ui.find(".art-item.is-active .name").text == "model.bin")
    ids = [seed.by_name(n)["id"] for n in ("run-01", "run-02")]
    ui.open('#/compare-runs?runs=["' + '","'.join(ids) + '"]&experiments=["' + seed.exp + '"]')
    ui.wait(lambda: ui.hash() == f"#/compare?runs={','.join(ids)}")
    ui.wait(lambda: ui.finds(".compare-page h1") and ui.find(".compare-page h1").text == "Comparing 2 runs")


def test_empty_states_of_a_run_without_data(ui, seed):
    ui.open(f"#/runs/{seed.failed}")
    ui.wait(lambda: ui.finds("h1 .pill"))
    assert ui.find("h1 .pill").text.lower() == "failed"
    cards = ui.js("return Object.fromEntries([...document.querySelectorAll('.card')].filter((c) => c.querySelector('.card-head h2')).map((c) => [c.querySelector('.card-head h2').textContent, c.querySelector('.card-empty')?.textContent || '']))")
    assert cards["Metrics"] == "No metrics logged." and cards["Parameters"] == "No parameters logged.", cards
    ui.open(f"#/runs/{seed.failed}?tab=charts")
    ui.wait(lambda: ui.finds(".empty h2"))
    assert ui.find(".empty h2").text == "No metrics yet"
    assert ui.js("return document.querySelector('.empty pre.code').firstChild.textContent") == 'mlflow.log_metric("loss", loss, step=step)'
    assert not ui.finds(".chart-card")
    ui.open(f"#/runs/{seed.failed}?tab=artifacts")
    ui.wait(lambda: ui.finds(".empty h2"))
    assert ui.find(".empty h2").text == "No artifacts yet"
    assert "mlflow.log_artifact(" in ui.find(".empty pre.code").text
    ui.screenshot("run-artifacts-empty")
