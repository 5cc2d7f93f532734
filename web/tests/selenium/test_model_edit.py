"""Editing the model registry from the web UI: new model, description, rename, delete, tags,
aliases (set, move, refused, delete), stage transitions (with archive-existing), version
descriptions, tags and deletion, and registering a logged model from its page. Every edit made in
the browser is read back over real HTTP (registered-models/get, model-versions/get,
registered-models/alias) and shown again after a reload. Refusals (a reserved alias, a name taken,
a read-only account, a model deleted meanwhile) show the server's message in the dialog and change
nothing. Each test runs on a fresh server of its own."""
from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from types import SimpleNamespace

import pytest
from selenium.webdriver.support.select import Select

from conftest import UI, Api, start_with_auth

DIALOG = "dialog.dialog[open]"

# ---------------------------------------------------------------------------------------------
# HTTP: seeding and reading the registry back


def call(base, method, path, body=None, auth=None):
    """(status, JSON) of one request to the MLflow API; errors are answers too."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + "/api/2.0/mlflow/" + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if auth:
        req.add_header("Authorization", "Basic " + base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode())
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            status, text = r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode()
    return status, (json.loads(text) if text.strip() else {})


def query(**params):
    return "?" + urllib.parse.urlencode(params)


def registered_model(base, name):
    status, body = call(base, "GET", "registered-models/get" + query(name=name))
    assert status == 200, body
    m = body["registered_model"]
    return SimpleNamespace(name=m["name"], description=m.get("description", ""),
                           tags={t["key"]: t["value"] for t in m.get("tags", [])},
                           aliases={a["alias"]: a["version"] for a in m.get("aliases", [])})


def model_missing(base, name):
    return call(base, "GET", "registered-models/get" + query(name=name))[0] == 404


def model_version(base, name, version):
    status, body = call(base, "GET", "model-versions/get" + query(name=name, version=version))
    assert status == 200, body
    v = body["model_version"]
    return SimpleNamespace(stage=v.get("current_stage", "None"), description=v.get("description", ""), source=v.get("source"),
                           run_id=v.get("run_id", ""), tags={t["key"]: t["value"] for t in v.get("tags", [])},
                           aliases=sorted(v.get("aliases", [])))


def version_missing(base, name, version):
    return call(base, "GET", "model-versions/get" + query(name=name, version=version))[0] == 404


def alias_target(base, name, alias):
    """The version an alias points at ("3"), or None when there is no such alias."""
    status, body = call(base, "GET", "registered-models/alias" + query(name=name, alias=alias))
    if status in (400, 404) and "not found" in body.get("message", ""):  # MLflow answers 400 for a missing alias
        return None
    assert status == 200, body
    return body["model_version"]["version"]


def seed_run(api):
    exp = api.create_experiment(f"registry-edits-{time.time_ns()}")
    return exp, api.create_run(exp, "train", int(time.time() * 1000) - 60_000)


def seed_model(api, name, stages=("None",), description=None):
    """Registered `name` with one version per stage given (v1 first), from runs:/<run>/model."""
    _, run = seed_run(api)
    body = {"name": name}
    if description:
        body["description"] = description
    api.post("registered-models/create", body)
    for i, stage in enumerate(stages, start=1):
        api.post("model-versions/create", {"name": name, "source": f"runs:/{run}/model", "run_id": run})
        if stage != "None":
            api.post("model-versions/transition-stage", {"name": name, "version": str(i), "stage": stage, "archive_existing_versions": False})
    return run


def seed_logged_model(api, name="clf"):
    """A logged model of a run (MLflow 3's POST logged-models, what mlflow.initialize_logged_model sends)."""
    exp, run = seed_run(api)
    model = api.post("logged-models", {"experiment_id": exp, "name": name, "source_run_id": run, "model_type": "sklearn"})
    mid = model["model"]["info"]["model_id"]
    api.request("PATCH", f"/api/2.0/mlflow/logged-models/{mid}", {"status": "LOGGED_MODEL_READY"})
    return SimpleNamespace(exp=exp, run=run, id=mid)


# ---------------------------------------------------------------------------------------------
# browser


def model_hash(name, **q):
    return "#/models/" + urllib.parse.quote(name, safe="") + (query(**q) if q else "")


def open_model(ui, name, **q):
    ui.open(model_hash(name, **q))
    ui.wait(lambda: ui.finds(".model-description"), msg=f"model page of {name}")


def dialog(ui):
    ui.wait(lambda: ui.finds(DIALOG), msg="a dialog opens")
    return ui.find(DIALOG)


def dialog_title(ui):
    return dialog(ui).find_element("css selector", "h2").text


def dialog_text(ui):
    return dialog(ui).text


def field(ui, name):
    dialog(ui)
    return ui.find(f"{DIALOG} [name='{name}']")


def type_into(ui, name, text):
    el = field(ui, name)
    el.clear()
    el.send_keys(text)


def submit(ui):
    ui.find(f"{DIALOG} button[type=submit]").click()


def cancel(ui):
    ui.js("[...document.querySelectorAll(arguments[0] + ' button')].find((b) => b.textContent === 'Cancel').click()", DIALOG)
    wait_closed(ui)


def wait_closed(ui):
    ui.wait(lambda: not ui.finds(DIALOG), msg=f"the dialog closes (error shown: {dialog_error_now(ui)!r})")


def dialog_error_now(ui):
    return ui.js("const e = document.querySelector(arguments[0] + ' .inline-error'); return e && !e.hidden ? e.textContent : ''", DIALOG)


def dialog_error(ui):
    ui.wait(lambda: dialog_error_now(ui), msg="an error shown in the dialog")
    return dialog_error_now(ui)


def hint(ui):
    return ui.js("return document.querySelector(arguments[0] + ' .field-hint')?.textContent ?? ''", DIALOG)


def version_action(ui, version, action):
    """Open the ⋯ menu of a version row and pick an action (data-action)."""
    ui.find(f".version-table tr[data-version='{version}'] .menu-button").click()
    ui.wait(lambda: ui.finds(f".menu [data-action='{action}']"), msg=f"menu item {action}")
    ui.find(f".menu [data-action='{action}']").click()


def stages(ui):
    return ui.js("return Object.fromEntries([...document.querySelectorAll('.version-table tbody tr')].map((tr) => [tr.dataset.version, tr.children[1].textContent]))")


def aliases_card(ui):
    return ui.js("return [...document.querySelectorAll('.aliases-card tbody tr')].map((tr) => [tr.dataset.alias, tr.querySelector('.version-link').textContent])")


def tags_card(ui, scope=".registry-tags"):
    return ui.js("return [...document.querySelectorAll(arguments[0] + ' tbody tr')].map((tr) => [tr.children[0].textContent, tr.children[1].textContent])", scope)


def description_shown(ui, scope=".model-description"):
    return ui.js("const c = document.querySelector(arguments[0]); return c.querySelector('pre.note')?.textContent ?? null", scope)


def text(ui, css):
    """textContent of the first match, read in one go (the page may be re-rendering), or None."""
    return ui.js("return document.querySelector(arguments[0])?.textContent ?? null", css)


def reload(ui, ready=".model-description"):
    ui.d.refresh()
    ui.wait(lambda: ui.finds(ready), msg="the page after a reload")


# ---------------------------------------------------------------------------------------------
# tests


def test_new_model_from_the_models_list(fresh_ui, fresh_server):
    ui, base = fresh_ui, fresh_server.url
    api = Api(base)
    api.post("registered-models/create", {"name": "taken"})
    ui.console.allow(r"registered-models/create.*status of 400")
    ui.open("#/models")
    ui.wait(lambda: ui.finds(".model-table tbody tr"))
    ui.find("#new-model").click()
    assert dialog_title(ui) == "New model"
    # a name in use: the server's answer, the dialog stays open
    type_into(ui, "name", "taken")
    submit(ui)
    assert dialog_error(ui) == "Registered Model (name=taken) already exists."
    assert ui.hash() == "#/models"
    type_into(ui, "name", "churn/eu 100%")
    field(ui, "description").send_keys("Weekly churn model.\n\nTrained on <b>EU</b> data.")
    submit(ui)
    wait_closed(ui)
    ui.wait(lambda: ui.hash() == model_hash("churn/eu 100%"), msg="the new model's page")
    ui.wait(lambda: ui.finds(".model-description pre"))
    assert text(ui, "h1 .title") == "churn/eu 100%"
    stored = registered_model(base, "churn/eu 100%")
    assert stored.description == "Weekly churn model.\n\nTrained on <b>EU</b> data."
    assert description_shown(ui) == stored.description
    assert "No versions yet" in text(ui, ".card-empty")
    reload(ui)
    assert description_shown(ui) == "Weekly churn model.\n\nTrained on <b>EU</b> data."
    # and it is listed
    ui.open("#/models")
    ui.wait(lambda: len(ui.finds(".model-table tbody tr")) == 2)
    assert [a.text for a in ui.finds(".model-table a.model-name")] == ["churn/eu 100%", "taken"]


def test_description_rename_and_tags_of_a_model(fresh_ui, fresh_server):
    ui, base = fresh_ui, fresh_server.url
    api = Api(base)
    seed_model(api, "fraud", stages=("None",), description="old text")
    api.post("registered-models/create", {"name": "other"})
    ui.console.allow(r"registered-models/rename.*status of 400")
    ui.open("#/models")
    ui.wait(lambda: ui.finds(".model-table a.model-name"))
    ui.js("[...document.querySelectorAll('.model-table a.model-name')].find((a) => a.textContent === 'fraud').click()")
    ui.wait(lambda: ui.hash() == "#/models/fraud" and ui.finds(".model-description pre"))
    assert description_shown(ui) == "old text"

    # description: multi-line, then cleared
    ui.find(".model-description .edit-description").click()
    assert field(ui, "description").tag_name == "textarea"
    type_into(ui, "description", "Scores card payments.\n  - threshold 0.8\n")
    submit(ui)
    wait_closed(ui)
    ui.wait(lambda: description_shown(ui) == "Scores card payments.\n  - threshold 0.8\n", msg="new description shown")
    assert registered_model(base, "fraud").description == "Scores card payments.\n  - threshold 0.8\n"
    ui.find(".model-description .edit-description").click()
    type_into(ui, "description", "   ")
    submit(ui)
    wait_closed(ui)
    ui.wait(lambda: description_shown(ui) is None and "No description." in text(ui, ".model-description"))
    assert registered_model(base, "fraud").description == ""

    # tags: add two, change one, delete one
    for key, value in (("team", "risk"), ("owner", "ana")):
        ui.find(".registry-tags .add-tag").click()
        type_into(ui, "key", key)
        type_into(ui, "value", value)
        submit(ui)
        wait_closed(ui)
        ui.wait(lambda: [key, value] in tags_card(ui), msg=f"tag {key} shown")
    assert tags_card(ui) == [["owner", "ana"], ["team", "risk"]]
    ui.find(".registry-tags tr[data-key='team'] [data-action='edit']").click()
    assert "team" in dialog_text(ui)
    type_into(ui, "value", "fraud-ops")
    submit(ui)
    wait_closed(ui)
    ui.wait(lambda: tags_card(ui) == [["owner", "ana"], ["team", "fraud-ops"]])
    ui.find(".registry-tags tr[data-key='owner'] [data-action='delete']").click()
    assert dialog_title(ui) == "Delete tag “owner”?"
    assert "btn-danger" in ui.find(f"{DIALOG} button[type=submit]").get_attribute("class")
    submit(ui)
    wait_closed(ui)
    ui.wait(lambda: tags_card(ui) == [["team", "fraud-ops"]])
    assert registered_model(base, "fraud").tags == {"team": "fraud-ops"}
    reload(ui)
    assert tags_card(ui) == [["team", "fraud-ops"]] and description_shown(ui) is None

    # rename: a name in use is refused in the dialog; a free one replaces the page in the history
    history = ui.js("return history.length")
    ui.find("#model-rename").click()
    type_into(ui, "value", "other")
    submit(ui)
    assert dialog_error(ui) == "Registered Model (name=other) already exists."
    type_into(ui, "value", "fraud v2")
    submit(ui)
    wait_closed(ui)
    ui.wait(lambda: ui.hash() == "#/models/fraud%20v2" and text(ui, "h1 .title") == "fraud v2", msg="the renamed model's page")
    assert ui.js("return history.length") == history
    assert model_missing(base, "fraud")
    renamed = registered_model(base, "fraud v2")
    assert renamed.tags == {"team": "fraud-ops"} and model_version(base, "fraud v2", 1).stage == "None"
    reload(ui)
    assert text(ui, "h1 .title") == "fraud v2" and tags_card(ui) == [["team", "fraud-ops"]]
    ui.d.back()  # the old name's page is gone from the history: back is the list
    ui.wait(lambda: ui.hash() == "#/models" and ui.finds(".model-table a.model-name"))
    ui.wait(lambda: [a.text for a in ui.finds(".model-table a.model-name")] == ["fraud v2", "other"])


def test_delete_a_model(fresh_ui, fresh_server):
    ui, base = fresh_ui, fresh_server.url
    api = Api(base)
    seed_model(api, "old-model", stages=("Production", "None"))
    api.post("registered-models/alias", {"name": "old-model", "alias": "champion", "version": "1"})
    api.post("registered-models/create", {"name": "keeper"})
    open_model(ui, "old-model")
    ui.wait(lambda: len(stages(ui)) == 2)
    ui.find("#model-delete").click()
    assert dialog_title(ui) == "Delete “old-model”?"
    assert "2 versions" in dialog_text(ui)
    cancel(ui)
    assert not model_missing(base, "old-model")
    ui.find("#model-delete").click()
    assert "btn-danger" in ui.find(f"{DIALOG} button[type=submit]").get_attribute("class")
    submit(ui)
    wait_closed(ui)
    ui.wait(lambda: ui.hash() == "#/models", msg="back to the list")
    ui.wait(lambda: [a.text for a in ui.finds(".model-table a.model-name")] == ["keeper"])
    assert model_missing(base, "old-model") and alias_target(base, "old-model", "champion") is None


def test_aliases_set_move_refused_and_deleted(fresh_ui, fresh_server):
    ui, base = fresh_ui, fresh_server.url
    seed_model(Api(base), "ranker", stages=("None", "None", "None"))
    ui.console.allow(r"registered-models/alias.*status of 400")
    open_model(ui, "ranker")
    ui.wait(lambda: len(stages(ui)) == 3)

    # a new alias on v1, from the version's menu
    version_action(ui, "1", "alias")
    assert dialog_title(ui) == "Set an alias"
    assert Select(field(ui, "version")).first_selected_option.get_attribute("value") == "1"
    type_into(ui, "alias", "champion")
    assert hint(ui) == ""
    submit(ui)
    wait_closed(ui)
    ui.wait(lambda: aliases_card(ui) == [["champion", "v1"]], msg="alias listed")
    assert alias_target(base, "ranker", "champion") == "1"

    # the same alias typed on v3: the dialog says it moves, and it does
    version_action(ui, "3", "alias")
    type_into(ui, "alias", "champion")
    ui.wait(lambda: hint(ui) == "@champion points at v1 now: saving moves it to v3.", msg=f"move wording, got {hint(ui)!r}")
    submit(ui)
    wait_closed(ui)
    ui.wait(lambda: aliases_card(ui) == [["champion", "v3"]])
    assert alias_target(base, "ranker", "champion") == "3"
    assert model_version(base, "ranker", 3).aliases == ["champion"] and model_version(base, "ranker", 1).aliases == []

    # refused names: the server's message in the dialog, nothing changed
    ui.find(".aliases-card .add-alias").click()
    for refused, message in (("latest", "'latest' alias name (case insensitive) is reserved."),
                             ("v3", "Version alias name 'v3' is reserved."),
                             ("no spaces", "Alias name 'no spaces' may only contain letters, numbers, underscores (_) and dashes (-).")):
        type_into(ui, "alias", refused)
        submit(ui)
        ui.wait(lambda: dialog_error_now(ui) == message, msg=f"refusal of {refused!r}: {dialog_error_now(ui)!r}")
        assert ui.finds(DIALOG)
    cancel(ui)
    assert registered_model(base, "ranker").aliases == {"champion": "3"}
    assert alias_target(base, "ranker", "latest") is None and alias_target(base, "ranker", "no spaces") is None
    assert aliases_card(ui) == [["champion", "v3"]]

    # move from the aliases card: a second alias, then @champion back to v2
    ui.find(".aliases-card .add-alias").click()
    type_into(ui, "alias", "@challenger")  # the "@" people type is dropped
    Select(field(ui, "version")).select_by_value("2")
    submit(ui)
    wait_closed(ui)
    ui.wait(lambda: aliases_card(ui) == [["challenger", "v2"], ["champion", "v3"]])
    ui.find(".aliases-card tr[data-alias='champion'] [data-action='move']").click()
    assert dialog_title(ui) == "Move @champion"
    ui.wait(lambda: hint(ui) == "@champion already points at v3.")
    Select(field(ui, "version")).select_by_value("2")
    ui.wait(lambda: hint(ui) == "@champion points at v3 now: saving moves it to v2.")
    submit(ui)
    wait_closed(ui)
    ui.wait(lambda: aliases_card(ui) == [["challenger", "v2"], ["champion", "v2"]])
    assert registered_model(base, "ranker").aliases == {"challenger": "2", "champion": "2"}
    assert ui.js("return [...document.querySelector('.version-table tr[data-version=\"2\"]').children[2].querySelectorAll('.alias')].map((a) => a.textContent)") == ["@challenger", "@champion"]

    # delete one
    ui.find(".aliases-card tr[data-alias='challenger'] [data-action='delete']").click()
    assert dialog_title(ui) == "Delete @challenger?"
    submit(ui)
    wait_closed(ui)
    ui.wait(lambda: aliases_card(ui) == [["champion", "v2"]])
    assert alias_target(base, "ranker", "challenger") is None and alias_target(base, "ranker", "champion") == "2"
    reload(ui)
    assert aliases_card(ui) == [["champion", "v2"]]


def test_stage_transitions_with_archive_existing(fresh_ui, fresh_server):
    ui, base = fresh_ui, fresh_server.url
    seed_model(Api(base), "scorer", stages=("Production", "Staging", "None"))
    open_model(ui, "scorer")
    ui.wait(lambda: stages(ui) == {"3": "—", "2": "Staging", "1": "Production"})

    # the menu offers the other stages only
    ui.find(".version-table tr[data-version='3'] .menu-button").click()
    ui.wait(lambda: ui.finds(".menu"))
    assert [b.text for b in ui.finds(".menu .menu-item")][:3] == ["Move to Staging…", "Move to Production…", "Move to Archived…"]
    ui.find(".version-table tr[data-version='3'] .menu-button").click()  # closes it again
    ui.wait(lambda: not ui.finds(".menu"))

    # v3 to Production, archiving v1 which is there now
    version_action(ui, "3", "stage-Production")
    assert dialog_title(ui) == "Move v3 to Production"
    assert "v1 is in Production now." in dialog_text(ui)
    box = field(ui, "archive")
    assert not box.is_selected()
    assert "Transition existing Production versions to Archived" in dialog_text(ui)
    box.click()
    submit(ui)
    wait_closed(ui)
    ui.wait(lambda: stages(ui) == {"3": "Production", "2": "Staging", "1": "Archived"}, msg=f"stages after the move: {stages(ui)}")
    assert [model_version(base, "scorer", v).stage for v in (1, 2, 3)] == ["Archived", "Staging", "Production"]

    # v2 to Production without archiving: both are in Production
    version_action(ui, "2", "stage-Production")
    assert "v3 is in Production now." in dialog_text(ui)
    submit(ui)
    wait_closed(ui)
    ui.wait(lambda: stages(ui) == {"3": "Production", "2": "Production", "1": "Archived"})
    assert [model_version(base, "scorer", v).stage for v in (1, 2, 3)] == ["Archived", "Production", "Production"]

    # back to no stage: no archive choice offered
    version_action(ui, "1", "stage-None")
    assert dialog_title(ui) == "Move v1 to None"
    assert not ui.finds(f"{DIALOG} [name='archive']")
    submit(ui)
    wait_closed(ui)
    ui.wait(lambda: stages(ui)["1"] == "—")
    assert model_version(base, "scorer", 1).stage == "None"
    reload(ui)
    ui.wait(lambda: stages(ui) == {"3": "Production", "2": "Production", "1": "—"})


def test_version_description_tags_and_delete(fresh_ui, fresh_server):
    ui, base = fresh_ui, fresh_server.url
    api = Api(base)
    seed_model(api, "embedder", stages=("None", "Staging"))
    api.post("registered-models/alias", {"name": "embedder", "alias": "candidate", "version": "2"})
    open_model(ui, "embedder")
    ui.wait(lambda: len(stages(ui)) == 2)
    assert not ui.finds(".version-detail")

    # the menu opens the version's details (its URL), with its description and tags
    version_action(ui, "2", "details")
    ui.wait(lambda: ui.hash() == "#/models/embedder?version=2" and ui.finds(".version-detail"), msg="version details")
    assert text(ui, ".version-detail h2") == "Version 2"
    assert "No description." in text(ui, ".version-detail .version-description")
    ui.find(".version-detail .version-description .edit-description").click()
    assert dialog_title(ui) == "Description of v2"
    field(ui, "description").send_keys("Sentence embeddings,\n384 dimensions.")
    submit(ui)
    wait_closed(ui)
    ui.wait(lambda: description_shown(ui, ".version-detail") == "Sentence embeddings,\n384 dimensions.")
    assert model_version(base, "embedder", 2).description == "Sentence embeddings,\n384 dimensions."
    assert ui.find(".version-table tr[data-version='2']").find_element("css selector", ".desc-cell").text == "Sentence embeddings, 384 dimensions."

    # tags of the version: add (from the menu and from the card), edit, delete
    version_action(ui, "2", "tag")
    assert dialog_title(ui) == "Tag v2"
    type_into(ui, "key", "dataset")
    type_into(ui, "value", "wiki-2024")
    submit(ui)
    wait_closed(ui)
    ui.wait(lambda: tags_card(ui, ".version-detail") == [["dataset", "wiki-2024"]])
    ui.find(".version-detail .add-tag").click()
    type_into(ui, "key", "validated")
    type_into(ui, "value", "no")
    submit(ui)
    wait_closed(ui)
    ui.wait(lambda: tags_card(ui, ".version-detail") == [["dataset", "wiki-2024"], ["validated", "no"]])
    ui.find(".version-detail tr[data-key='validated'] [data-action='edit']").click()
    type_into(ui, "value", "yes")
    submit(ui)
    wait_closed(ui)
    ui.wait(lambda: ["validated", "yes"] in tags_card(ui, ".version-detail"))
    ui.find(".version-detail tr[data-key='dataset'] [data-action='delete']").click()
    submit(ui)
    wait_closed(ui)
    ui.wait(lambda: tags_card(ui, ".version-detail") == [["validated", "yes"]])
    assert model_version(base, "embedder", 2).tags == {"validated": "yes"}
    assert model_version(base, "embedder", 1).tags == {} and registered_model(base, "embedder").tags == {}
    assert not ui.finds(".registry-tags tbody tr")  # the model's own tags card is untouched
    reload(ui, ".version-detail")
    assert tags_card(ui, ".version-detail") == [["validated", "yes"]]
    assert description_shown(ui, ".version-detail") == "Sentence embeddings,\n384 dimensions."

    # delete the version shown: it goes, with its alias, and so do its details
    version_action(ui, "2", "delete")
    assert dialog_title(ui) == "Delete v2 of “embedder”?"
    assert "@candidate" in dialog_text(ui)
    submit(ui)
    wait_closed(ui)
    ui.wait(lambda: list(stages(ui)) == ["1"] and not ui.finds(".version-detail"), msg="v2 gone from the page")
    assert ui.hash() == "#/models/embedder"
    assert version_missing(base, "embedder", 2) and alias_target(base, "embedder", "candidate") is None
    assert "1 version" in text(ui, ".page-header .subtitle")
    reload(ui)
    assert list(stages(ui)) == ["1"] and aliases_card(ui) == []


def test_register_a_logged_model_from_its_page(fresh_ui, fresh_server):
    ui, base = fresh_ui, fresh_server.url
    api = Api(base)
    lm = seed_logged_model(api, "clf")
    api.post("registered-models/create", {"name": "already-there"})
    ui.open(f"#/logged-models/{lm.id}")
    ui.wait(lambda: ui.finds("#register-model") and text(ui, "h1 .title") == "clf")

    # a new registered model, named in the dialog
    ui.find("#register-model").click()
    assert dialog_title(ui) == "Register model"
    picker = Select(field(ui, "existing"))
    assert [o.get_attribute("value") for o in picker.options] == ["", "already-there"]
    assert field(ui, "newName").get_attribute("value") == "clf"
    ui.wait(lambda: hint(ui) == "A registered model “clf” is created.")
    type_into(ui, "newName", "churn classifier")
    submit(ui)
    wait_closed(ui)
    ui.wait(lambda: ui.hash() == "#/models/churn%20classifier?version=1", msg="the new version's page")
    ui.wait(lambda: ui.finds(".version-detail") and text(ui, ".version-detail h2") == "Version 1")
    assert ui.find(".version-table tr.is-cursor").get_attribute("data-version") == "1"
    v1 = model_version(base, "churn classifier", 1)
    assert v1.source == f"models:/{lm.id}" and v1.run_id == lm.run
    ui.wait(lambda: ui.js("return document.querySelector('.version-table a.source-link')?.textContent") == "clf", msg="source named")

    # again, into the model picked in the list: a second version
    ui.d.back()
    ui.wait(lambda: ui.finds("#register-model"))
    ui.wait(lambda: ui.js("return [...document.querySelectorAll('.registered-versions a')].map((a) => a.textContent)") == ["churn classifierv1"],
            msg="the logged model lists its registered version")
    ui.find("#register-model").click()
    Select(field(ui, "existing")).select_by_value("churn classifier")
    ui.wait(lambda: hint(ui) == "The new version goes to “churn classifier”.")
    submit(ui)
    wait_closed(ui)
    ui.wait(lambda: ui.hash() == "#/models/churn%20classifier?version=2")
    ui.wait(lambda: sorted(stages(ui)) == ["1", "2"])
    assert model_version(base, "churn classifier", 2).source == f"models:/{lm.id}"

    # a name typed that exists already gets the version too (RESOURCE_ALREADY_EXISTS is fine)
    ui.console.allow(r"registered-models/create.*status of 400")
    ui.open(f"#/logged-models/{lm.id}")
    ui.wait(lambda: ui.finds("#register-model"))
    ui.find("#register-model").click()
    type_into(ui, "newName", "already-there")
    ui.wait(lambda: hint(ui) == "“already-there” exists: the new version is added to it.")
    submit(ui)
    wait_closed(ui)
    ui.wait(lambda: ui.hash() == "#/models/already-there?version=1")
    assert model_version(base, "already-there", 1).run_id == lm.run
    reload(ui, ".version-detail")
    assert text(ui, ".version-detail h2") == "Version 1"
    ui.open(f"#/logged-models/{lm.id}")
    ui.wait(lambda: ui.js("return [...document.querySelectorAll('.registered-versions a')].map((a) => a.textContent)")
            == ["churn classifierv1", "churn classifierv2", "already-therev1"], msg="all three registered versions listed")


def test_a_model_deleted_meanwhile_shows_the_404_then_the_page_says_so(fresh_ui, fresh_server):
    ui, base = fresh_ui, fresh_server.url
    api = Api(base)
    seed_model(api, "ghost")
    ui.console.allow(r"registered-models/(update|get).* 404")
    open_model(ui, "ghost")
    api.request("DELETE", "/api/2.0/mlflow/registered-models/delete", {"name": "ghost"})
    ui.find(".model-description .edit-description").click()
    type_into(ui, "description", "too late")
    submit(ui)
    assert dialog_error(ui) == "Registered Model with name=ghost not found"
    cancel(ui)
    ui.wait(lambda: ui.finds(".empty h2") and text(ui, ".empty h2") == "No such model", msg="the page reloads and says the model is gone")


@pytest.fixture
def auth_server(tmp_path_factory):
    """A server with --auth: "rita" may only read, "wes" may write."""
    srv = start_with_auth(tmp_path_factory.mktemp("track-auth-registry"), [("rita", "reader", "reader-password"), ("wes", "writer", "writer-password")])
    try:
        yield srv
    finally:
        srv.stop()


def test_a_read_only_account_sees_the_refusal_in_the_dialog(driver, auth_server, console):
    base, writer = auth_server.url, ("wes", "writer-password")
    assert call(base, "POST", "registered-models/create", {"name": "locked", "description": "as it was"}, auth=writer)[0] == 200
    console.allow(r"(registered-models/update|registered-models/alias|registered-models/create).*status of 403")
    ui = UI(driver, base, console)
    driver.get(f"http://rita:reader-password@127.0.0.1:{auth_server.port}/")
    ui.open(model_hash("locked"))
    ui.wait(lambda: ui.finds(".model-description pre"), msg="the reader sees the model")
    ui.find(".model-description .edit-description").click()
    type_into(ui, "description", "changed")
    submit(ui)
    assert dialog_error(ui) == "User 'rita' has the role 'reader', which may not write here."
    cancel(ui)
    assert description_shown(ui) == "as it was"
    status, body = call(base, "GET", "registered-models/get" + query(name="locked"), auth=writer)
    assert status == 200 and body["registered_model"]["description"] == "as it was"
    # creating one is refused the same way, and nothing is created
    ui.open("#/models")
    ui.wait(lambda: ui.finds(".model-table tbody tr"))
    ui.find("#new-model").click()
    type_into(ui, "name", "mine")
    submit(ui)
    assert dialog_error(ui) == "User 'rita' has the role 'reader', which may not write here."
    cancel(ui)
    assert call(base, "GET", "registered-models/get" + query(name="mine"), auth=writer)[0] == 404
    assert ui.hash() == "#/models"
