"""Experiments list on a brand new server: first-run help with the exact commands (and those
commands work), create / rename / delete, and a clear banner while the server is unreachable."""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from conftest import Api, mlflow_python


def code_blocks(ui, scope):
    """Text of the copyable code blocks (without their Copy button)."""
    return ui.js("return [...document.querySelectorAll(arguments[0] + ' pre.code')].map((p) => p.firstChild.textContent)", scope)


def first_run_command(url):
    return f"MLFLOW_TRACKING_URI={url} python -c \"import mlflow; mlflow.log_metric('loss', 0.5)\""


def test_first_run_help_then_the_first_run_appears_by_itself(fresh_ui, fresh_server):
    ui = fresh_ui
    ui.open("#/")
    ui.wait(lambda: ui.finds(".first-run") and ui.find(".first-run").is_displayed(), msg="first-run help on an empty server")
    assert ui.find(".first-run h2").text == "Log your first run"
    assert code_blocks(ui, ".first-run") == ["pip install mlflow-skinny", first_run_command(fresh_server.url)]
    ui.screenshot("experiments-empty")
    # a run logged from elsewhere: the page notices without a reload
    api = Api(fresh_server.url)
    rid = api.create_run("0", "first", 1_700_000_000_000)
    api.log_batch(rid, metrics=[{"key": "loss", "value": 0.5, "timestamp": 1_700_000_000_000, "step": 0}])
    ui.wait(lambda: not ui.find(".first-run").is_displayed(), timeout=8, msg="first-run help hidden once a run exists")
    ui.wait(lambda: ui.find(".exp-table td.runs-count").text == "1", timeout=8, msg="run count updated live")


def test_the_first_run_command_works_as_shown(fresh_ui, fresh_server):
    """Run the one-liner exactly as the page shows it, then follow the link the mlflow client prints."""
    python = mlflow_python()
    if python is None:
        pytest.skip("no Python with mlflow installed (set TRACK_UI_MLFLOW_PYTHON or build .build/venv-interop)")
    ui = fresh_ui
    ui.open("#/")
    ui.wait(lambda: ui.finds(".first-run") and ui.find(".first-run").is_displayed())
    command = code_blocks(ui, ".first-run")[1]
    env = dict(os.environ, PATH=f"{Path(python).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    env.pop("MLFLOW_TRACKING_URI", None)
    out = subprocess.run(["bash", "-c", command], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    ui.wait(lambda: not ui.find(".first-run").is_displayed(), timeout=8, msg="the logged run shows up by itself")
    link = re.search(r"View run \S+ at: (\S+)", out.stdout + out.stderr)
    assert link, out.stdout + out.stderr
    assert link.group(1).startswith(fresh_server.url + "/#/experiments/0/runs/")
    run_id = link.group(1).rsplit("/", 1)[1]
    ui.d.get(link.group(1))
    ui.wait(lambda: ui.hash() == f"#/runs/{run_id}", msg="MLflow's run link lands on our run page")
    ui.wait(lambda: [e.text for e in ui.finds(".metric-table td.key")] == ["loss"])
    assert ui.find(".metric-table tbody tr td.num").text == "0.5"


def dialog_input(ui):
    ui.wait(lambda: ui.finds("dialog[open] input"), msg="dialog open")
    return ui.find("dialog[open] input")


def names(ui):
    """Experiment names in the list, read in one go (the list re-renders when it changes)."""
    return set(ui.js("return [...document.querySelectorAll('.exp-table a.exp-name')].map((a) => a.textContent)"))


def row(ui, name):
    return ui.d.find_element(By.XPATH, f"//table[contains(@class,'exp-table')]//tr[.//a[@class='exp-name' and text()='{name}']]")


def row_action(ui, name, label):
    r = row(ui, name)
    ActionChains(ui.d).move_to_element(r).perform()  # the actions show on hover
    btn = r.find_element(By.XPATH, f".//button[text()='{label}']")
    ui.wait(lambda: btn.value_of_css_property("opacity") == "1")
    btn.click()


def test_create_rename_delete(fresh_ui, fresh_server):
    ui = fresh_ui
    api = Api(fresh_server.url)
    ui.console.allow(r"experiments/create.*status of 400")
    ui.open("#/")
    ui.wait(lambda: ui.finds(".exp-table tbody tr"))
    # create: lands on the new experiment's (empty) runs table, which explains how to log into it
    ui.d.find_element(By.XPATH, "//button[contains(., 'New experiment')]").click()
    dialog_input(ui).send_keys("resnet-sweep", Keys.ENTER)
    ui.wait(lambda: re.fullmatch(r"#/experiments/\d+", ui.hash()), msg="navigated to the new experiment")
    exp_id = ui.hash().rsplit("/", 1)[1]
    ui.wait(lambda: ui.find(".runs-page h1").text == "resnet-sweep")
    ui.wait(lambda: "No runs yet" in ui.find(".vt-empty").text)
    blocks = code_blocks(ui, ".vt-empty")
    assert blocks[1] == f"export MLFLOW_TRACKING_URI={fresh_server.url}\npython train.py"
    assert 'mlflow.set_experiment("resnet-sweep")' in blocks[2]
    ui.screenshot("runs-empty")
    # back on the list: the new experiment with 0 runs
    ui.d.back()
    ui.wait(lambda: ui.hash() in ("", "#/") and "resnet-sweep" in names(ui))
    ui.wait(lambda: row(ui, "resnet-sweep").find_element(By.CSS_SELECTOR, "td.runs-count").text == "0")
    # a duplicate name: the server's message inline, the dialog stays open
    ui.d.find_element(By.XPATH, "//button[contains(., 'New experiment')]").click()
    dialog_input(ui).send_keys("resnet-sweep", Keys.ENTER)
    ui.wait(lambda: ui.finds("dialog[open] .inline-error") and ui.find("dialog[open] .inline-error").is_displayed())
    assert "already exists" in ui.find("dialog[open] .inline-error").text
    ui.find("dialog[open] input").send_keys(Keys.ESCAPE)
    ui.wait(lambda: not ui.finds("dialog[open]"))
    # rename
    row_action(ui, "resnet-sweep", "Rename")
    box = dialog_input(ui)
    assert box.get_attribute("value") == "resnet-sweep"
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("resnet-sweep-v2", Keys.ENTER)
    ui.wait(lambda: names(ui) == {"Default", "resnet-sweep-v2"}, msg="renamed in the list")
    assert api.get("experiments/get", experiment_id=exp_id)["experiment"]["name"] == "resnet-sweep-v2"
    # delete, after a confirmation that names it
    row_action(ui, "resnet-sweep-v2", "Delete")
    ui.wait(lambda: ui.finds("dialog[open] h2"))
    assert ui.find("dialog[open] h2").text == "Delete “resnet-sweep-v2”?"
    assert "0 runs" in ui.find("dialog[open] p").text
    ui.d.find_element(By.XPATH, "//dialog[@open]//button[text()='Delete']").click()
    ui.wait(lambda: names(ui) == {"Default"}, msg="deleted from the list")
    assert api.get("experiments/get", experiment_id=exp_id)["experiment"]["lifecycle_stage"] == "deleted"


def test_unreachable_server_banner_and_recovery(fresh_ui, fresh_server):
    ui = fresh_ui
    ui.console.allow(r"ERR_CONNECTION_REFUSED|Failed to fetch|net::ERR")
    ui.open("#/")
    ui.wait(lambda: ui.finds(".exp-table tbody tr"))
    assert ui.find("#conn-text").text == "connected"
    port = fresh_server.port
    fresh_server.stop()
    ui.js("location.hash = '#/experiments/0'")
    ui.wait(lambda: ui.find("#banner").is_displayed(), msg="banner while the server is down")
    banner = ui.find("#banner").text
    assert "Can’t reach the track server" in banner and fresh_server.url in banner and "track server" in banner
    assert ui.find("#conn-text").text == "offline"
    ui.wait(lambda: ui.finds(".vt-empty .error-box") and "Can’t reach the track server" in ui.find(".vt-empty .error-box").text,
            msg="the page says why it is empty")
    assert ui.find(".vt-empty .error-box strong").text == "Could not load runs"
    assert ui.find(".runs-page h1").text == "Experiment 0"
    assert "0 runs" not in ui.find(".runs-page .subtitle").text
    ui.screenshot("server-unreachable")
    fresh_server.start(port=port)
    ui.wait(lambda: not ui.find("#banner").is_displayed(), timeout=10, msg="banner gone once the server is back")
    assert ui.find("#conn-text").text == "connected"
    ui.wait(lambda: "No runs yet" in ui.find(".vt-empty").text, msg="the page reloaded its data")
