"""Editing runs in the browser, as MLflow's UI allows: rename, description (the tag
mlflow.note.content), the run's own tags, delete / restore on the run page, and delete / restore
of selected runs in the runs table (deleted runs listed with `deleted=1`). Every edit is read back
over real HTTP (runs/get) and after a reload; refusals of the server (a key it rejects, a
read-only account) are shown in the dialog while nothing changes."""
from __future__ import annotations

import base64
import json
import time
import urllib.parse
import urllib.request

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from conftest import UI, Api, Server, start_with_auth

DESCRIPTION = "mlflow.note.content"
HOSTILE = '<b>not bold</b> <img src=x onerror="window.__pwned=1">'


# ---------------------------------------------------------------------------------------------
# helpers


@pytest.fixture
def eui(fresh_ui):
    """The fresh server's UI; the page is left before the server stops (no late poll errors)."""
    yield fresh_ui
    fresh_ui.d.get("about:blank")


def seed_run(api: Api, exp_id: str, name: str, tags=(), start=None) -> str:
    """A FINISHED run (so nothing polls it) with one param, one metric and the given tags."""
    start = start or int(time.time() * 1000) - 600_000
    rid = api.create_run(exp_id, name, start, tags=[("mlflow.user", "alice"), *tags])
    api.log_batch(rid, params=[("lr", 0.01)], metrics=[{"key": "loss", "value": 0.5, "timestamp": start, "step": 0}])
    api.finish(rid, start + 60_000)
    return rid


def stored(api: Api, run_id: str) -> dict:
    """The run as the server keeps it: {name, stage, tags: {key: value}}."""
    run = api.get("runs/get", run_id=run_id)["run"]
    return {"name": run["info"]["run_name"], "stage": run["info"]["lifecycle_stage"],
            "tags": {t["key"]: t["value"] for t in run.get("data", {}).get("tags", [])}}


def open_run(ui: UI, run_id: str):
    ui.open(f"#/runs/{run_id}")
    ui.wait(lambda: ui.finds(".run-grid"), msg="run overview")
    # the header holds elements only (no stray text such as "null")
    assert ui.js("return [...document.querySelector('.page').firstElementChild.childNodes].every((n) => n.nodeType === 1)")


def dialog(ui: UI):
    ui.wait(lambda: ui.finds("dialog[open]"), msg="dialog open")
    return ui.find("dialog[open]")


def dialog_button(ui: UI, label: str):
    return ui.d.find_element(By.XPATH, f"//dialog[@open]//button[normalize-space()='{label}']")


def dialog_closed(ui: UI, msg="dialog closed"):
    ui.wait(lambda: not ui.finds("dialog[open]"), msg=msg)


def inline_error(ui: UI) -> str:
    ui.wait(lambda: ui.finds("dialog[open] .inline-error") and ui.find("dialog[open] .inline-error").is_displayed(),
            msg="the dialog shows the error")
    return ui.find("dialog[open] .inline-error").text


def fill(el, text):
    el.send_keys(Keys.CONTROL, "a")
    el.send_keys(Keys.DELETE)
    if text:
        el.send_keys(text)


def shown_tags(ui: UI) -> dict:
    """{key: value} of the Tags card's own rows (system tags apart)."""
    return ui.js("""return Object.fromEntries([...document.querySelectorAll('.tags-card > .card-scroll tbody tr')]
        .map((tr) => [tr.children[0].textContent, tr.children[1].textContent]))""")


def tag_action(ui: UI, key: str, label: str):
    row = ui.find(f".tags-card > .card-scroll tr[data-key='{key}']")
    ActionChains(ui.d).move_to_element(row).perform()  # the row's actions show on hover
    btn = row.find_element(By.CSS_SELECTOR, f"[data-action='{label.lower()}']")
    ui.wait(lambda: btn.value_of_css_property("opacity") == "1")
    btn.click()


def title(ui: UI) -> str:
    """The run page's title, read in one go (the header is redrawn after each edit)."""
    return ui.js("return document.querySelector('h1 .title')?.textContent")


def row_names(ui: UI) -> list[str]:
    return [r["name"] for r in ui.run_rows()]


def select_rows(ui: UI, names):
    for name in names:
        ui.js("""const row = [...document.querySelectorAll('.vt-body .vt-row')].find((r) => r.querySelector('.name a')?.textContent === arguments[0]);
                 row.querySelector('.vt-cell.sel input').click();""", name)
    ui.wait(lambda: {r["name"] for r in ui.run_rows() if r["selected"]} == set(names), msg="rows selected")


# ---------------------------------------------------------------------------------------------
# run page


def test_rename_run(eui, fresh_server):
    ui, api = eui, Api(fresh_server.url)
    rid = seed_run(api, "0", "draft-run")
    open_run(ui, rid)
    assert title(ui) == "draft-run"
    ui.find("#run-rename").click()
    box = dialog(ui).find_element(By.CSS_SELECTOR, "input")
    assert box.get_attribute("value") == "draft-run"
    fill(box, "resnet50 baseline")
    box.send_keys(Keys.ENTER)
    dialog_closed(ui)
    ui.wait(lambda: title(ui) == "resnet50 baseline", msg="new name in the header")
    assert ui.js("return document.querySelector('.crumbs span:last-child').textContent") == "resnet50 baseline"
    assert ui.d.title.startswith("resnet50 baseline")
    run = stored(api, rid)
    assert run["name"] == "resnet50 baseline"
    assert run["tags"]["mlflow.runName"] == "resnet50 baseline"
    # after a reload, and in the runs table
    open_run(ui, rid)
    assert title(ui) == "resnet50 baseline"
    ui.open("#/experiments/0")
    ui.wait(lambda: row_names(ui) == ["resnet50 baseline"], msg="the runs table shows the new name")


def test_description_add_edit_remove(eui, fresh_server):
    ui, api = eui, Api(fresh_server.url)
    rid = seed_run(api, "0", "described")
    open_run(ui, rid)
    assert not ui.finds(".desc-card")
    ui.find("#desc-add").click()
    area = dialog(ui).find_element(By.CSS_SELECTOR, "textarea")
    assert ui.js("return document.activeElement === arguments[0]", area)
    text = f"Baseline with the new augmentations.\n\nSecond paragraph: {HOSTILE}"
    area.send_keys(text)  # Enter in the text area is a new line, not a submit
    assert ui.finds("dialog[open]")
    area.send_keys(Keys.CONTROL, Keys.ENTER)  # Ctrl+Enter saves
    dialog_closed(ui)
    ui.wait(lambda: ui.finds(".desc-card pre.note"), msg="description card")
    assert ui.js("return document.querySelector('.desc-card pre.note').textContent") == text
    assert not ui.finds(".desc-card pre.note *")  # text only: no <b>, no <img>
    assert ui.js("return window.__pwned") is None
    assert not ui.finds("#desc-add")
    assert stored(api, rid)["tags"][DESCRIPTION] == text
    ui.screenshot("run-description")
    # edit it: the editor starts from the stored text
    open_run(ui, rid)
    assert ui.js("return document.querySelector('.desc-card pre.note').textContent") == text
    ui.find("#desc-edit").click()
    area = dialog(ui).find_element(By.CSS_SELECTOR, "textarea")
    assert area.get_attribute("value") == text
    fill(area, "Just one line now.")
    dialog_button(ui, "Save").click()
    dialog_closed(ui)
    ui.wait(lambda: ui.js("return document.querySelector('.desc-card pre.note')?.textContent") == "Just one line now.")
    assert stored(api, rid)["tags"][DESCRIPTION] == "Just one line now."
    # saving it empty removes the tag
    ui.find("#desc-edit").click()
    fill(dialog(ui).find_element(By.CSS_SELECTOR, "textarea"), "")
    dialog_button(ui, "Save").click()
    dialog_closed(ui)
    ui.wait(lambda: ui.finds("#desc-add") and not ui.finds(".desc-card"), msg="back to 'Add a description'")
    assert DESCRIPTION not in stored(api, rid)["tags"]
    open_run(ui, rid)
    assert ui.finds("#desc-add") and not ui.finds(".desc-card")


def test_tags_add_edit_delete(eui, fresh_server):
    ui, api = eui, Api(fresh_server.url)
    rid = seed_run(api, "0", "tagged", tags=[("team", "vision"), ("mlflow.source.name", "train.py")])
    open_run(ui, rid)
    assert shown_tags(ui) == {"team": "vision"}
    # system tags are shown, read-only
    assert ui.finds(".sys-tags tr[data-key='mlflow.user']")
    assert not ui.finds(".sys-tags button")
    # add
    ui.find("#tag-add").click()
    key, value = dialog(ui).find_elements(By.CSS_SELECTOR, "input")
    key.send_keys("stage")
    value.send_keys("prod", Keys.ENTER)
    dialog_closed(ui)
    ui.wait(lambda: shown_tags(ui) == {"stage": "prod", "team": "vision"}, msg="added tag shown")
    assert stored(api, rid)["tags"]["stage"] == "prod"
    # keys the UI refuses before asking the server: a system key, a key the run has
    for bad, why in [("mlflow.note.content", "system tags"), ("team", "already has a tag “team”")]:
        ui.find("#tag-add").click()
        key, value = dialog(ui).find_elements(By.CSS_SELECTOR, "input")
        key.send_keys(bad)
        value.send_keys("x", Keys.ENTER)
        assert why in inline_error(ui)
        key.send_keys(Keys.ESCAPE)
        dialog_closed(ui)
    # edit a value
    tag_action(ui, "team", "Edit")
    assert ui.find("dialog[open] h2").text == "Edit tag “team”"
    box = dialog(ui).find_element(By.CSS_SELECTOR, "input")
    assert box.get_attribute("value") == "vision"
    fill(box, "nlp")
    box.send_keys(Keys.ENTER)
    dialog_closed(ui)
    ui.wait(lambda: shown_tags(ui).get("team") == "nlp", msg="edited value shown")
    assert stored(api, rid)["tags"]["team"] == "nlp"
    ui.screenshot("run-tags-edit")
    # delete, after a confirmation that names it
    tag_action(ui, "stage", "Delete")
    assert ui.find("dialog[open] h2").text == "Delete tag “stage”?"
    assert "“prod”" in ui.find("dialog[open] p").text
    dialog_button(ui, "Delete tag").click()
    dialog_closed(ui)
    ui.wait(lambda: shown_tags(ui) == {"team": "nlp"}, msg="deleted tag gone")
    tags = stored(api, rid)["tags"]
    assert "stage" not in tags and tags["team"] == "nlp" and tags["mlflow.source.name"] == "train.py"
    open_run(ui, rid)
    assert shown_tags(ui) == {"team": "nlp"}


def test_server_refusals_shown_in_the_dialog(eui, fresh_server):
    ui, api = eui, Api(fresh_server.url)
    ui.console.allow(r"runs/set-tag.*status of 400")
    rid = seed_run(api, "0", "strict", tags=[("team", "vision")])
    before = stored(api, rid)
    open_run(ui, rid)
    refusals = [
        ("a/../b", "must not resolve to other names"),
        ("k" * 251, "exceeds the maximum length of 250"),
        ("bad key!", "Names may only contain alphanumerics"),
    ]
    for bad, message in refusals:
        ui.find("#tag-add").click()
        key, value = dialog(ui).find_elements(By.CSS_SELECTOR, "input")
        key.send_keys(bad)
        value.send_keys("v", Keys.ENTER)
        assert message in inline_error(ui)
        assert ui.finds("dialog[open]")  # still open, the typed key kept
        assert key.get_attribute("value") == bad
        dialog_button(ui, "Cancel").click()
        dialog_closed(ui)
    assert stored(api, rid) == before
    assert shown_tags(ui) == {"team": "vision"}
    open_run(ui, rid)
    assert shown_tags(ui) == {"team": "vision"}


def test_delete_and_restore_from_the_run_page(eui, fresh_server):
    ui, api = eui, Api(fresh_server.url)
    rid = seed_run(api, "0", "doomed", tags=[("team", "vision")])
    open_run(ui, rid)
    assert not ui.finds(".deleted-banner")
    ui.find("#run-delete").click()
    assert ui.find("dialog[open] h2").text == "Delete run “doomed”?"
    assert "btn-danger" in dialog_button(ui, "Delete run").get_attribute("class")
    # Cancel keeps it
    dialog_button(ui, "Cancel").click()
    dialog_closed(ui)
    assert stored(api, rid)["stage"] == "active"
    ui.find("#run-delete").click()
    dialog_button(ui, "Delete run").click()
    dialog_closed(ui)
    ui.wait(lambda: ui.finds(".deleted-banner"), msg="the page says the run is deleted")
    assert "This run is deleted." in ui.find(".deleted-banner").text
    assert ui.find("h1 .pill-deleted").text.lower() == "deleted"
    # a deleted run cannot be edited (the server refuses): no edit controls
    assert not ui.finds("#run-rename, #run-delete, #tag-add, #desc-add, #desc-edit, .tags-card [data-action]")
    assert shown_tags(ui) == {"team": "vision"}
    assert stored(api, rid)["stage"] == "deleted"
    ui.screenshot("run-deleted")
    # reloaded: still deleted; the runs table no longer lists it, its deleted runs do
    open_run(ui, rid)
    assert ui.finds(".deleted-banner")
    ui.open("#/experiments/0")
    ui.wait(lambda: ui.finds(".vt-empty") and "No runs yet" in ui.find(".vt-empty").text, msg="gone from the table")
    ui.open("#/experiments/0?deleted=1")
    ui.wait(lambda: row_names(ui) == ["doomed"], msg="listed with the deleted runs")
    # restore
    open_run(ui, rid)
    ui.find("#run-restore").click()
    ui.wait(lambda: not ui.finds(".deleted-banner") and ui.finds("#run-rename"), msg="restored")
    assert not ui.finds("h1 .pill-deleted")
    assert stored(api, rid)["stage"] == "active"
    open_run(ui, rid)
    assert not ui.finds(".deleted-banner") and ui.finds("#tag-add")


# ---------------------------------------------------------------------------------------------
# runs table


def test_delete_selected_runs_then_restore_from_the_deleted_list(eui, fresh_server):
    ui, api = eui, Api(fresh_server.url)
    exp = api.create_experiment("cleanup")
    now = int(time.time() * 1000)
    ids = {n: seed_run(api, exp, n, start=now - (5 - i) * 60_000) for i, n in enumerate(["r1", "r2", "r3", "r4"])}
    ui.open(f"#/experiments/{exp}")
    ui.wait(lambda: row_names(ui) == ["r4", "r3", "r2", "r1"], msg="table loaded")
    assert not ui.find("#runs-delete").is_displayed()
    select_rows(ui, ["r2", "r3"])
    btn = ui.find("#runs-delete")
    assert btn.is_displayed() and btn.text == "Delete 2 runs"
    btn.click()
    assert ui.find("dialog[open] h2").text == "Delete 2 runs?"
    assert "btn-danger" in dialog_button(ui, "Delete").get_attribute("class")
    # single-key shortcuts wait while a dialog is open: c would compare, ? list the shortcuts, g e leave
    start_hash = ui.hash()
    ActionChains(ui.d).send_keys("c").send_keys("j").send_keys("?").send_keys("g").send_keys("e").perform()
    time.sleep(0.3)
    assert ui.hash() == start_hash
    assert len(ui.finds("dialog[open]")) == 1 and ui.find("dialog[open] h2").text == "Delete 2 runs?"
    dialog_button(ui, "Delete").click()
    dialog_closed(ui)
    ui.wait(lambda: row_names(ui) == ["r4", "r1"], msg="deleted rows leave the table")
    assert not ui.find("#runs-delete").is_displayed()
    assert {n: stored(api, rid)["stage"] for n, rid in ids.items()} == {"r1": "active", "r2": "deleted", "r3": "deleted", "r4": "active"}
    ui.open(f"#/experiments/{exp}")
    ui.wait(lambda: row_names(ui) == ["r4", "r1"], msg="after a reload too")
    # the deleted runs: a toggle kept in the URL
    ui.d.find_element(By.XPATH, "//span[contains(@class,'view-toggle')]//button[text()='Deleted']").click()
    ui.wait(lambda: ui.hash_query().get("deleted") == "1", msg="deleted=1 in the URL")
    ui.wait(lambda: row_names(ui) == ["r3", "r2"], msg="the deleted runs")
    assert ui.find(".deleted-note").is_displayed()
    assert "2 deleted runs" in ui.find(".runs-page .subtitle").text
    ui.screenshot("runs-deleted")
    ui.open(f"#/experiments/{exp}?deleted=1")
    ui.wait(lambda: row_names(ui) == ["r3", "r2"], msg="the URL alone opens the deleted runs")
    assert not ui.find("#runs-delete").is_displayed()
    select_rows(ui, ["r2"])
    btn = ui.find("#runs-restore")
    assert btn.is_displayed() and btn.text == "Restore 1 run"
    btn.click()
    assert ui.find("dialog[open] h2").text == "Restore 1 run?"
    dialog_button(ui, "Restore").click()
    dialog_closed(ui)
    ui.wait(lambda: row_names(ui) == ["r3"], msg="the restored run leaves the deleted list")
    assert stored(api, ids["r2"])["stage"] == "active" and stored(api, ids["r3"])["stage"] == "deleted"
    # back to the active runs
    ui.d.find_element(By.XPATH, "//div[contains(@class,'deleted-note')]//button[text()='Back to active runs']").click()
    ui.wait(lambda: "deleted" not in ui.hash_query(), msg="deleted=1 gone from the URL")
    ui.wait(lambda: row_names(ui) == ["r4", "r2", "r1"], msg="the restored run is back")
    assert not ui.finds(".deleted-note") or not ui.find(".deleted-note").is_displayed()


def test_no_deleted_runs(eui, fresh_server):
    ui, api = eui, Api(fresh_server.url)
    seed_run(api, "0", "alive")
    ui.open("#/experiments/0?deleted=1")
    ui.wait(lambda: ui.finds(".vt-empty h2") and ui.find(".vt-empty h2").text == "No deleted runs")
    ui.d.find_element(By.XPATH, "//div[contains(@class,'vt-empty')]//button[text()='Back to active runs']").click()
    ui.wait(lambda: row_names(ui) == ["alive"])
    assert ui.hash() == "#/experiments/0"


# ---------------------------------------------------------------------------------------------
# a read-only account


@pytest.fixture
def reader_server(tmp_path_factory):
    """A server with --auth and a reader account, holding runs seeded before auth was on."""
    root = tmp_path_factory.mktemp("track-reader-ui")
    plain = Server(root).start()
    try:
        api = Api(plain.url)
        exp = api.create_experiment("shared")
        seeded = {n: seed_run(api, exp, n, tags=[("team", "vision")]) for n in ("kept-1", "kept-2")}
    finally:
        plain.stop()
    srv = start_with_auth(root, [("rita", "reader", "reader-password")])
    srv.exp, srv.runs = exp, seeded
    try:
        yield srv
    finally:
        srv.stop()


def reader_get_run(server, run_id) -> dict:
    req = urllib.request.Request(f"{server.url}/api/2.0/mlflow/runs/get?" + urllib.parse.urlencode({"run_id": run_id}))
    req.add_header("Authorization", "Basic " + base64.b64encode(b"rita:reader-password").decode())
    with urllib.request.urlopen(req, timeout=10) as r:
        run = json.loads(r.read())["run"]
    return {"name": run["info"]["run_name"], "stage": run["info"]["lifecycle_stage"],
            "tags": {t["key"]: t["value"] for t in run["data"].get("tags", [])}}


def test_read_only_account_sees_the_refusal(driver, reader_server, console):
    console.allow(r"status of 403")
    ui = UI(driver, reader_server.url, console)
    rid = reader_server.runs["kept-1"]
    before = {n: reader_get_run(reader_server, r) for n, r in reader_server.runs.items()}
    try:
        driver.get(f"http://rita:reader-password@127.0.0.1:{reader_server.port}/")
        open_run(ui, rid)
        def refused(text):
            """Type into the open dialog and submit: PERMISSION_DENIED shows there, and it stays open."""
            box = dialog(ui).find_element(By.CSS_SELECTOR, "input")
            fill(box, text)
            box.send_keys(Keys.ENTER)
            assert "may not write" in inline_error(ui)
            box.send_keys(Keys.ESCAPE)
            dialog_closed(ui)

        ui.find("#run-rename").click()
        refused("renamed by a reader")
        assert title(ui) == "kept-1"
        tag_action(ui, "team", "Edit")
        refused("other")
        assert shown_tags(ui) == {"team": "vision"}
        # deleting selected runs: the dialog lists what failed and why; the rows stay
        ui.open(f"#/experiments/{reader_server.exp}")
        ui.wait(lambda: sorted(row_names(ui)) == ["kept-1", "kept-2"])
        select_rows(ui, ["kept-1", "kept-2"])
        ui.find("#runs-delete").click()
        dialog_button(ui, "Delete").click()
        report = inline_error(ui)
        assert report.startswith("No run deleted. Not deleted:"), report
        assert "kept-1 (" in report and "kept-2 (" in report and "may not write" in report
        dialog_button(ui, "Cancel").click()
        dialog_closed(ui)
        assert sorted(row_names(ui)) == ["kept-1", "kept-2"]
        assert {n: reader_get_run(reader_server, r) for n, r in reader_server.runs.items()} == before
    finally:
        driver.get("about:blank")
