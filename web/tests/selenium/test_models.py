"""Model pages: the registered models list (filter, paging, first-model help), one registered
model with its versions, stages and aliases, one logged model (status, metrics, files, registered
versions), and the run page's logged models. Seeded through the REST API on a server of their own,
so the session's experiments stay as the other tests expect them."""
from __future__ import annotations

import time
import urllib.parse
from types import SimpleNamespace

import pytest
from selenium.webdriver.common.keys import Keys

from conftest import UI, Api, Server
from test_look import background, color_scheme, luminance

MLMODEL = b"artifact_path: model\nflavors:\n  sklearn:\n    sklearn_version: 1.5.0\nmodel_id: placeholder\n"
LONG_DESCRIPTION = "Weekly churn model trained on the last ninety days of events, calibrated with isotonic regression, " * 2


@pytest.fixture(scope="module")
def models_server(tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("track-models")).start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def reg(models_server):
    """Experiment "registry-demo": run "train-clf" logged model "clf" (READY, metric acc 0.9, param
    C, tag team, file MLmodel); run "plain-run" logged nothing. Registered "my model": v1 and v2
    from clf, v1 in Production, @champion -> v2. "team/x 100%" (description, tag): v1 from
    runs:/<train-clf>/model. "zeta" has no versions."""
    api = Api(models_server.url)
    now = int(time.time() * 1000)
    exp = api.create_experiment("registry-demo")
    run = api.create_run(exp, "train-clf", now - 60_000)
    plain = api.create_run(exp, "plain-run", now - 30_000)
    model = api.post("logged-models", {"experiment_id": exp, "name": "clf", "source_run_id": run, "model_type": "sklearn",
                                       "params": [{"key": "C", "value": "1.0"}], "tags": [{"key": "team", "value": "vision"}]})
    mid = model["model"]["info"]["model_id"]
    api.request("PATCH", f"/api/2.0/mlflow/logged-models/{mid}", {"status": "LOGGED_MODEL_READY"})
    api.post("runs/outputs", {"run_id": run, "models": [{"model_id": mid, "step": 0}]})
    api.request("PUT", f"/api/2.0/mlflow-artifacts/artifacts/{exp}/models/{mid}/artifacts/MLmodel", raw=MLMODEL,
                content_type="application/octet-stream")
    api.log_batch(run, metrics=[{"key": "acc", "value": 0.9, "timestamp": now, "step": 0, "model_id": mid}])
    api.finish(run, now)
    api.finish(plain, now)
    api.post("registered-models/create", {"name": "my model"})
    api.post("model-versions/create", {"name": "my model", "source": f"models:/{mid}", "model_id": mid})
    api.post("model-versions/create", {"name": "my model", "source": f"models:/{mid}", "model_id": mid})
    api.post("model-versions/transition-stage", {"name": "my model", "version": "1", "stage": "Production", "archive_existing_versions": False})
    api.post("registered-models/alias", {"name": "my model", "alias": "champion", "version": "2"})
    api.post("registered-models/create", {"name": "team/x 100%", "description": LONG_DESCRIPTION,
                                          "tags": [{"key": "owner", "value": "data-team"}]})
    api.post("model-versions/create", {"name": "team/x 100%", "source": f"runs:/{run}/model", "run_id": run})
    api.post("registered-models/create", {"name": "zeta"})
    return SimpleNamespace(api=api, exp=exp, run=run, plain=plain, model_id=mid)


@pytest.fixture
def mui(driver, models_server, reg, console):
    return UI(driver, models_server.url, console)


def model_hash(name, **query):
    h = "#/models/" + urllib.parse.quote(name, safe="")
    return h + ("?" + urllib.parse.urlencode(query) if query else "")


def list_rows(ui):
    """Rows of the models list: [{name, latest: [...], aliases: [...], description, updated}]."""
    return ui.js("""return [...document.querySelectorAll('.model-table tbody tr')].map((tr) => {
        const td = tr.children;
        return { name: td[0].textContent, latest: [...td[1].querySelectorAll('.version-chip')].map((e) => e.textContent),
                 aliases: [...td[2].querySelectorAll('.alias')].map((e) => e.textContent), description: td[3].textContent,
                 descriptionTitle: td[3].querySelector('[title]')?.getAttribute('title') || '',
                 updated: !!td[4].querySelector('time') };
    })""")


def names(ui):
    return [r["name"] for r in list_rows(ui)]


def nav_active(ui):
    return ui.js("return [...document.querySelectorAll('.topnav a.active')].map((a) => a.dataset.nav)")


def version_rows(ui):
    return ui.js("""return [...document.querySelectorAll('.version-table tbody tr')].map((tr) => {
        const td = tr.children;
        return { version: td[0].textContent, stage: td[1].textContent, aliases: [...td[2].querySelectorAll('.alias')].map((e) => e.textContent),
                 created: !!td[3].querySelector('time'), description: td[4].textContent, source: td[5].textContent,
                 sourceHref: td[5].querySelector('a')?.getAttribute('href') || null, sourceTitle: td[5].firstElementChild.getAttribute('title'),
                 run: td[6].textContent, runHref: td[6].querySelector('a')?.getAttribute('href') || null };
    })""")


def click_link(ui, selector, text):
    ui.js("[...document.querySelectorAll(arguments[0])].find((a) => a.textContent === arguments[1]).click()", selector, text)


def test_models_list_shows_versions_stages_and_aliases(mui, reg):
    mui.open("#/models")
    mui.wait(lambda: len(list_rows(mui)) == 3, msg="three registered models")
    assert nav_active(mui) == ["models"]
    assert mui.find(".page-header h1").text == "Models"
    assert mui.find(".page-header .subtitle").text == "3 models"
    rows = {r["name"]: r for r in list_rows(mui)}
    assert names(mui) == ["my model", "team/x 100%", "zeta"]  # by name
    assert rows["my model"]["latest"] == ["v1 · Production", "v2"]
    assert rows["my model"]["aliases"] == ["@champion → v2"]
    assert rows["my model"]["updated"]
    assert rows["team/x 100%"]["latest"] == ["v1"] and rows["team/x 100%"]["aliases"] == []
    # a long description is cut, with the whole text on hover
    assert rows["team/x 100%"]["descriptionTitle"] == LONG_DESCRIPTION
    assert mui.js("const e = [...document.querySelectorAll('.model-table td.desc-cell div')][0]; return e.scrollWidth > e.clientWidth")
    assert rows["zeta"]["latest"] == [] and "no versions" in mui.js("return document.querySelectorAll('.model-table tbody tr')[2].children[1].textContent")
    mui.screenshot("models")
    # the top navigation leads back and forth
    mui.js("document.querySelector('.topnav a[data-nav=experiments]').click()")
    mui.wait(lambda: mui.finds(".exp-table") and nav_active(mui) == ["experiments"])
    mui.js("document.querySelector('.topnav a[data-nav=models]').click()")
    mui.wait(lambda: mui.hash() == "#/models" and len(list_rows(mui)) == 3)
    assert nav_active(mui) == ["models"]


def test_models_filter_runs_on_the_server_and_lives_in_the_url(mui, reg):
    mui.open("#/models")
    mui.wait(lambda: len(list_rows(mui)) == 3)
    box = mui.find("#models-search")
    box.send_keys("MY")
    mui.wait(lambda: names(mui) == ["my model"], msg="case-insensitive name filter")
    assert mui.hash_query() == {"q": "MY"}
    assert mui.find(".page-header .subtitle").text == "1 model matching “MY”"
    box.send_keys(Keys.BACKSPACE, Keys.BACKSPACE, "100%")
    mui.wait(lambda: names(mui) == ["team/x 100%"], msg="filter with a % in it")
    box.send_keys(Keys.BACKSPACE * 4, "it's")
    mui.wait(lambda: mui.finds(".model-table + .card-empty"), msg="no match")
    assert mui.find(".card-empty").text == "No model matches “it's”."
    assert names(mui) == []
    # a shared link filters the same way; Escape leaves the box, j and Enter open a row
    mui.open("#/models?q=zet")
    mui.wait(lambda: names(mui) == ["zeta"])
    assert mui.find("#models-search").get_attribute("value") == "zet"
    mui.find("body").send_keys("/")
    mui.wait(lambda: mui.js("return document.activeElement.id") == "models-search")
    mui.find("#models-search").send_keys(Keys.ESCAPE)
    mui.find("body").send_keys("j")
    mui.wait(lambda: mui.finds(".model-table tr.is-cursor"))
    mui.find("body").send_keys(Keys.ENTER)
    mui.wait(lambda: mui.hash() == "#/models/zeta")
    mui.wait(lambda: mui.finds(".version-table") or mui.finds(".card-empty"))
    assert "No versions yet" in mui.find(".card-empty").text
    # back to the filtered list
    mui.d.back()
    mui.wait(lambda: mui.hash() == "#/models?q=zet" and names(mui) == ["zeta"])
    assert mui.find("#models-search").get_attribute("value") == "zet"


def test_registered_model_page(mui, reg):
    mui.open("#/models")
    mui.wait(lambda: len(list_rows(mui)) == 3)
    click_link(mui, ".model-table a.model-name", "my model")
    mui.wait(lambda: mui.hash() == "#/models/my%20model")
    mui.wait(lambda: len(version_rows(mui)) == 2, msg="versions table")
    assert nav_active(mui) == ["models"]
    assert mui.find("h1 .title").text == "my model"
    assert mui.d.title == "my model · model · track"
    assert "2 versions" in mui.find(".page-header .subtitle").text
    rows = version_rows(mui)
    assert [(r["version"], r["stage"], r["aliases"]) for r in rows] == [("v2", "—", ["@champion"]), ("v1", "Production", [])]
    assert all(r["created"] for r in rows)
    for r in rows:
        assert r["sourceHref"] == f"#/logged-models/{reg.model_id}" and r["sourceTitle"].startswith(f"models:/{reg.model_id}")
        assert r["runHref"] == f"#/runs/{reg.run}"
    # names replace the ids once known
    mui.wait(lambda: [r["source"] for r in version_rows(mui)] == ["clf", "clf"] and [r["run"] for r in version_rows(mui)] == ["train-clf", "train-clf"],
             msg="logged model and run names")
    aliases = mui.js("return [...document.querySelectorAll('.card')].find((c) => c.querySelector('h2')?.textContent === 'Aliases').querySelector('tbody').textContent")
    assert aliases == "@championv2"
    assert mui.js("return [...document.querySelectorAll('.card')].find((c) => c.querySelector('h2')?.textContent === 'Description').textContent").endswith("No description.")
    mui.screenshot("model")
    # the run link, then the logged model link
    click_link(mui, ".version-table a.run-link", "train-clf")
    mui.wait(lambda: mui.hash() == f"#/runs/{reg.run}" and mui.finds("h1 .title") and mui.find("h1 .title").text == "train-clf")
    mui.d.back()
    mui.wait(lambda: len(version_rows(mui)) == 2)
    mui.js("document.querySelector('.version-table a.source-link').click()")
    mui.wait(lambda: mui.hash() == f"#/logged-models/{reg.model_id}")
    mui.wait(lambda: mui.finds("h1 .title") and mui.find("h1 .title").text == "clf")


def test_names_with_slashes_and_percent_signs(mui, reg):
    mui.open("#/models?q=team")
    mui.wait(lambda: names(mui) == ["team/x 100%"])
    click_link(mui, ".model-table a.model-name", "team/x 100%")
    mui.wait(lambda: mui.hash() == "#/models/team%2Fx%20100%25")
    mui.wait(lambda: len(version_rows(mui)) == 1)
    assert mui.find("h1 .title").text == "team/x 100%"
    assert mui.find(".crumbs").text.replace("\n", "") == "Models/team/x 100%"
    (row,) = version_rows(mui)
    assert row["version"] == "v1" and row["stage"] == "—"
    assert row["source"] == f"runs:/{reg.run}/model" and row["sourceHref"] is None and row["sourceTitle"] == f"runs:/{reg.run}/model"
    assert row["runHref"] == f"#/runs/{reg.run}"
    desc = mui.js("return [...document.querySelectorAll('.card')].find((c) => c.querySelector('h2')?.textContent === 'Description').querySelector('pre').textContent")
    assert desc == LONG_DESCRIPTION
    tags = mui.js("return [...document.querySelectorAll('.card')].find((c) => c.querySelector('h2')?.textContent === 'Tags').querySelector('tbody').innerText")
    assert tags.split() == ["owner", "data-team"]


def test_version_link_from_mlflow_ui_highlights_the_version(mui, reg):
    mui.open("#/models/my%20model/versions/1")
    mui.wait(lambda: mui.hash() == "#/models/my%20model?version=1")
    mui.wait(lambda: mui.finds(".version-table tr.is-cursor"))
    assert mui.find(".version-table tr.is-cursor").get_attribute("data-version") == "1"
    mui.find("body").send_keys("k")
    mui.wait(lambda: mui.find(".version-table tr.is-cursor").get_attribute("data-version") == "2")


def test_unknown_model_says_so(mui, reg):
    mui.console.allow(r"registered-models/get.* 404")
    mui.open("#/models/no%20such%20thing")
    mui.wait(lambda: mui.finds(".empty h2"))
    assert mui.find(".empty h2").text == "No such model"
    assert "no registered model named “no such thing”" in mui.find(".empty p").text
    assert mui.d.title == "Model not found · track"
    mui.js("[...document.querySelectorAll('.empty a')].find((a) => a.textContent === 'All models').click()")
    mui.wait(lambda: mui.hash() == "#/models" and len(list_rows(mui)) == 3)


def test_logged_model_page(mui, reg):
    mui.open(f"#/logged-models/{reg.model_id}")
    mui.wait(lambda: mui.finds("h1 .title") and mui.find("h1 .title").text == "clf")
    assert nav_active(mui) == ["models"]
    assert mui.find("h1 .pill").text.lower() == "ready"
    details = mui.js("""const out = {}; document.querySelectorAll('dl.kv dt').forEach((dt) => { out[dt.textContent] = dt.nextElementSibling.textContent; }); return out""")
    assert details["Status"].lower() == "ready"
    assert details["Model ID"] == reg.model_id
    assert details["Type"] == "sklearn"
    assert details["Load it with"] == f"models:/{reg.model_id}"
    mui.wait(lambda: mui.js("return document.querySelector('a.run-link').textContent") == "train-clf", msg="source run name")
    mui.wait(lambda: mui.find(".crumbs").text.replace("\n", "") == "Experiments/registry-demo/clf", msg="experiment name in the crumbs")
    # the metric linked to the model
    metrics = lambda: mui.js("return [...document.querySelectorAll('.model-metrics tbody tr')].map((tr) => [...tr.children].map((td) => td.textContent))")
    mui.wait(lambda: metrics() == [["acc", "0.9", "0", "1", "—", "train-clf"]], msg=f"metrics table: {metrics()}")
    assert mui.js("return document.querySelector('.model-metrics tbody a').getAttribute('href')") == f"#/runs/{reg.run}"
    cards = mui.js("return Object.fromEntries([...document.querySelectorAll('.card')].map((c) => [c.querySelector('.card-head h2')?.textContent, c.querySelector('tbody')?.innerText || '']))")
    assert cards["Parameters"].split() == ["C", "1.0"]
    assert cards["Tags"].split() == ["team", "vision"]  # mlflow.modelVersions is shown as the versions below
    # its registered versions
    versions = mui.js("return [...document.querySelectorAll('.registered-versions a')].map((a) => [a.textContent, a.getAttribute('href')])")
    assert versions == [["my modelv1", "#/models/my%20model?version=1"], ["my modelv2", "#/models/my%20model?version=2"]]
    # its files: MLmodel, downloadable
    mui.wait(lambda: mui.finds(".model-files a.file-row"), msg="files listed")
    files = mui.js("return [...document.querySelectorAll('.model-files .file-row')].map((a) => [a.querySelector('.name').textContent, a.getAttribute('href'), a.getAttribute('download')])")
    href = f"/api/2.0/mlflow-artifacts/artifacts/{reg.exp}/models/{reg.model_id}/artifacts/MLmodel"
    assert files == [["MLmodel", href, "MLmodel"]]
    got = mui.d.execute_async_script("""const done = arguments[arguments.length - 1];
        fetch(arguments[0]).then(async (r) => done({ status: r.status, text: await r.text() }));""", href)
    assert got == {"status": 200, "text": MLMODEL.decode()}
    mui.screenshot("logged-model")
    # a registered version link opens the model with that version marked
    click_link(mui, ".registered-versions a", "my modelv1")
    mui.wait(lambda: mui.hash() == "#/models/my%20model?version=1")
    mui.wait(lambda: mui.finds(".version-table tr.is-cursor") and mui.find(".version-table tr.is-cursor").get_attribute("data-version") == "1")
    mui.d.back()
    mui.wait(lambda: mui.finds("a.run-link"))
    mui.js("document.querySelector('dl.kv a.run-link').click()")
    mui.wait(lambda: mui.hash() == f"#/runs/{reg.run}")


def test_unknown_logged_model_says_so(mui, reg):
    mui.console.allow(r"logged-models/m-missing.* 404")
    mui.open("#/logged-models/m-missing")
    mui.wait(lambda: mui.finds(".empty h2"))
    assert mui.find(".empty h2").text == "No such logged model"


def test_run_page_lists_its_logged_models(mui, reg):
    mui.open(f"#/runs/{reg.run}")
    mui.wait(lambda: mui.finds(".logged-models tbody tr a.model-link"), msg="logged models card filled in")
    card = mui.js("""const c = document.querySelector('.logged-models');
        return { head: c.querySelector('.card-head').innerText.split('\\n'),
                 rows: [...c.querySelectorAll('tbody tr')].map((tr) => ({ name: tr.querySelector('a').textContent, href: tr.querySelector('a').getAttribute('href'),
                        status: tr.children[1].textContent, type: tr.children[2].textContent, step: tr.children[3].textContent })) }""")
    assert card["head"] == ["Logged models", "1 model"]
    assert card["rows"] == [{"name": "clf", "href": f"#/logged-models/{reg.model_id}", "status": "ready", "type": "sklearn", "step": "0"}]
    mui.screenshot("run-logged-models")
    mui.js("document.querySelector('.logged-models a.model-link').click()")
    mui.wait(lambda: mui.hash() == f"#/logged-models/{reg.model_id}")
    mui.wait(lambda: mui.finds("h1 .title") and mui.find("h1 .title").text == "clf")
    # a run that logged no model has no such card
    mui.open(f"#/runs/{reg.plain}")
    mui.wait(lambda: mui.finds(".metric-table") or mui.finds(".card-empty"))
    mui.wait(lambda: mui.finds("h1 .title") and mui.find("h1 .title").text == "plain-run")
    assert not mui.finds(".logged-models")


def test_first_model_help_and_paging(driver, fresh_server, console):
    ui = UI(driver, fresh_server.url, console)
    ui.open("#/models")
    ui.wait(lambda: ui.finds(".empty h2"))
    assert ui.find(".empty h2").text == "No registered models yet"
    code = ui.js("return [...document.querySelectorAll('.empty pre.code')].map((p) => p.firstChild.textContent)")
    assert code[0] == f"export MLFLOW_TRACKING_URI={fresh_server.url}"
    assert 'mlflow.sklearn.log_model(model, name="model", registered_model_name="my-model")' in code[1]
    assert code[2] == 'mlflow.register_model("runs:/<run id>/model", "my-model")'
    ui.screenshot("models-empty")
    # more models than one page: "Load more" follows the page token
    api = Api(fresh_server.url)
    for i in range(105):
        api.post("registered-models/create", {"name": f"model-{i:03d}"})
    ui.open("#/models")
    ui.wait(lambda: len(list_rows(ui)) == 100)
    assert ui.find(".page-header .subtitle").text == "100 models shown"
    more = ui.find(".load-more button")
    assert more.text.startswith("Load more")
    more.click()
    ui.wait(lambda: len(list_rows(ui)) == 105, msg="second page appended")
    assert names(ui) == [f"model-{i:03d}" for i in range(105)]
    assert not ui.finds(".load-more")
    assert ui.find(".page-header .subtitle").text == "105 models"
    # sorted by last update instead: the newest first
    ui.js("[...document.querySelectorAll('.model-table th')].find((t) => t.textContent.startsWith('Last updated')).click()")
    ui.wait(lambda: ui.hash_query() == {"sort": "updated"} and names(ui)[:2] == ["model-104", "model-103"])


def test_model_pages_follow_the_dark_theme(mui, reg):
    with color_scheme(mui, "dark"):
        mui.open(model_hash("my model"))
        mui.wait(lambda: len(version_rows(mui)) == 2)
        assert background(mui) < 0.1 and background(mui, ".card") < 0.15
        # the stage and alias badges stay readable: light text on a dark card
        assert luminance(mui.js("return getComputedStyle(document.querySelector('.version-table .alias')).color")) > 0.45
        assert luminance(mui.js("return getComputedStyle(document.querySelector('.version-table .pill')).color")) > 0.45
        mui.screenshot("model-dark")


def test_models_list_shows_new_models_versions_and_aliases_by_itself(fresh_ui, fresh_server):
    ui, api = fresh_ui, Api(fresh_server.url)
    api.post("registered-models/create", {"name": "first"})
    ui.open("#/models")
    ui.wait(lambda: names(ui) == ["first"], msg="the first model")
    # made by another client while the page is open: no reload
    api.post("registered-models/create", {"name": "second"})
    api.post("model-versions/create", {"name": "first", "source": "s3://bucket/first/1"})
    api.post("registered-models/alias", {"name": "first", "alias": "champion", "version": "1"})
    ui.wait(lambda: names(ui) == ["first", "second"], timeout=10, msg="the new model appears")
    ui.wait(lambda: {r["name"]: (r["latest"], r["aliases"]) for r in list_rows(ui)}["first"] == (["v1"], ["@champion → v1"]),
            timeout=10, msg="the new version and alias appear")
    assert ui.find(".page-header .subtitle").text == "2 models"
