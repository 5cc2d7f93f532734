"""The UI of a server started with --auth: the browser's Basic credentials open it (and every
request the page makes carries them); without them nothing is shown but the refusal."""

import pytest

from conftest import UI, start_with_auth


@pytest.fixture
def auth_server(tmp_path_factory):
    srv = start_with_auth(tmp_path_factory.mktemp("track-auth-ui"), [("wes", "writer", "writer-password")])
    try:
        yield srv
    finally:
        srv.stop()


def test_the_ui_works_with_the_browsers_credentials(driver, auth_server, console):
    ui = UI(driver, auth_server.url, console)
    driver.get(f"http://wes:writer-password@127.0.0.1:{auth_server.port}/")
    ui.open("#/experiments/0")
    ui.wait(lambda: "Default" in ui.find("body").text and "connected" in ui.find("body").text, msg="the runs page did not load")
    assert "No runs yet" in ui.find("body").text


def test_without_credentials_nothing_is_shown(driver, auth_server, console):
    console.allow(r"401")
    # A new server is a new origin: the browser holds no credentials for it.
    for path in ["/", "/api/2.0/mlflow/experiments/search?max_results=1"]:
        driver.get(auth_server.url + path)
        body = driver.find_element("tag name", "body").text
        assert "Default" not in body and "Experiments" not in body
