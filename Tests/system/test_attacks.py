"""Requests that must be refused, replayed against the real server: each class is answered with
an error in MLflow's shape, and nothing outside is read, nothing is written or deleted."""
from __future__ import annotations

import json
import os
import socket
import time

import pytest

from track_process import Client, Server, run_track, tree

SECRET = b"canary: must never be served\n"
ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("attacks")
    (root / "outside").mkdir()
    (root / "outside" / "secret.txt").write_bytes(SECRET)
    server = Server(root / "data").start()
    client = Client(server.url)
    status, answer = client.post("experiments/create", {"name": "target"})
    experiment_id = answer["experiment_id"]
    status, answer = client.post("runs/create", {"experiment_id": experiment_id})
    run_id = answer["run"]["info"]["run_id"]
    base = f"{ARTIFACTS}/{experiment_id}/{run_id}/artifacts"
    assert client.request("PUT", f"{base}/inside.txt", b"inside")[0] == 200
    # Links planted inside the artifact folder (by someone with shell access, or a bug).
    run_folder = root / "data" / "artifacts" / experiment_id / run_id / "artifacts"
    os.symlink(root / "outside", run_folder / "link-dir")
    os.symlink(root / "outside" / "secret.txt", run_folder / "link-file.txt")
    client.close()
    yield {"root": root, "server": server, "base": base, "experiment_id": experiment_id, "run_id": run_id}
    server.stop()


def snapshot(world) -> dict[str, bytes]:
    root = world["root"]
    state = {}
    for name in ("outside", "data/artifacts"):
        for path, data in tree(root / name).items():
            state[f"{name}/{path}"] = data
    return state


def raw(server: Server, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(request)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return data
            data += chunk


def status_of(response: bytes) -> int:
    return int(response.split(b" ", 2)[1])


def json_body(response: bytes) -> dict:
    body = response.split(b"\r\n\r\n", 1)[1]
    return json.loads(body)


TRAVERSALS = [
    "../../../outside/secret.txt",
    "..%2F..%2F..%2Foutside%2Fsecret.txt",
    "%2e%2e/%2e%2e/%2e%2e/outside/secret.txt",
    "%2E%2E%2F%2E%2E%2F%2E%2E%2Foutside%2Fsecret.txt",
    "%252e%252e%252f%252e%252e%252foutside%252fsecret.txt",
    "..%5C..%5C..%5Coutside%5Csecret.txt",
    "..\\..\\..\\outside\\secret.txt",
    "/etc/passwd",
    "%2Fetc%2Fpasswd",
    "a;/../../../../outside/secret.txt",
    "inside.txt;x=1",
    "./inside.txt",
    "a//b.txt",
    "a/./b.txt",
    "%00.txt",
    "link-dir/secret.txt",
    "link-file.txt",
]


@pytest.mark.parametrize("path", TRAVERSALS)
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_artifact_paths_never_leave_the_run_folder(world, method, path):
    before = snapshot(world)
    body = b"planted" if method == "PUT" else None
    length = f"Content-Length: {len(body)}\r\n".encode() if body else b""
    response = raw(world["server"], f"{method} {world['base']}/{path} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode() + length + b"Connection: close\r\n\r\n" + (body or b""))
    assert status_of(response) in (400, 404), response[:300]
    assert SECRET not in response and b"root:" not in response
    assert json_body(response)["error_code"] in ("INVALID_PARAMETER_VALUE", "RESOURCE_DOES_NOT_EXIST", "ENDPOINT_NOT_FOUND")
    assert snapshot(world) == before, "the refused request changed files"


@pytest.mark.parametrize("listing", ["../..", "/etc", "%2e%2e%2f%2e%2e", "..%2f..%2f..%2foutside", "{e}/{r}/artifacts/link-dir"])
def test_listings_never_leave_the_artifact_folder(world, listing):
    path = listing.format(e=world["experiment_id"], r=world["run_id"])
    response = raw(world["server"], f"GET {ARTIFACTS}?path={path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
    assert b"secret" not in response and b"passwd" not in response and b"track.db" not in response
    assert status_of(response) in (200, 400)


@pytest.mark.parametrize("method_path", ["DELETE {base}/.", "DELETE {base}/", "DELETE " + ARTIFACTS + "/", "DELETE " + ARTIFACTS + "/%2e"])
def test_deleting_a_root_or_dot_is_refused(world, method_path):
    before = snapshot(world)
    method, path = method_path.format(base=world["base"]).split(" ", 1)
    response = raw(world["server"], f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
    assert status_of(response) in (400, 404, 405)
    assert snapshot(world) == before


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json-patch+json"])
def test_cross_site_form_posts_are_refused(world, content_type):
    name = f"csrf-{abs(hash(content_type))}"
    headers = f"Content-Type: {content_type}\r\n" if content_type else ""
    body = json.dumps({"name": name}).encode()
    response = raw(world["server"], (
        f"POST /api/2.0/mlflow/experiments/create HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: https://evil.example\r\n{headers}"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body)
    assert status_of(response) == 400
    assert json_body(response)["error_code"] == "INVALID_PARAMETER_VALUE"
    assert Client(world["server"].url).get("experiments/get-by-name", experiment_name=name)[0] == 404


@pytest.mark.parametrize("host", ["evil.example", "evil.example:5000", "127.0.0.1.evil.example", "localhost.evil.example"])
def test_dns_rebinding_host_names_are_refused(world, host):
    body = json.dumps({"name": f"rebind-{host}"}).encode()
    response = raw(world["server"], (
        f"POST /api/2.0/mlflow/experiments/create HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body)
    assert status_of(response) == 403
    assert json_body(response)["error_code"] == "PERMISSION_DENIED"
    assert Client(world["server"].url).get("experiments/get-by-name", experiment_name=f"rebind-{host}")[0] == 404


def test_cors_stays_closed(world):
    preflight = raw(world["server"], (
        "OPTIONS /api/2.0/mlflow/experiments/create HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: https://evil.example\r\n"
        "Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type\r\nConnection: close\r\n\r\n"
    ).encode())
    assert b"access-control-allow-origin" not in preflight.lower()
    simple = raw(world["server"], b"GET /api/2.0/mlflow/experiments/get?experiment_id=0 HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: https://evil.example\r\nConnection: close\r\n\r\n")
    assert b"access-control-allow-origin" not in simple.lower()


@pytest.mark.parametrize("path", ["/", "/api/2.0/mlflow/experiments/get?experiment_id=0", "/api/2.0/mlflow/experiments/get?experiment_id=999", "/nope"])
def test_every_answer_carries_the_browser_protections(world, path):
    status, headers, _ = Client(world["server"].url).request("GET", path)
    assert headers.get("x-content-type-options") == "nosniff"
    assert headers.get("x-frame-options") == "DENY"
    assert "frame-ancestors 'none'" in headers.get("content-security-policy", "")


def test_uploaded_html_is_never_served_as_a_page(world):
    client = Client(world["server"].url)
    page = b"<html><script>fetch('/api/2.0/mlflow/experiments/delete')</script></html>"
    assert client.request("PUT", f"{world['base']}/evil.html", page)[0] == 200
    status, headers, body = client.request("GET", f"{world['base']}/evil.html")
    assert status == 200 and body == page
    assert headers["content-type"].startswith("text/plain")
    assert headers["content-disposition"].startswith("attachment")
    assert "sandbox" in headers["content-security-policy"]


def test_client_supplied_artifact_locations_are_never_followed(world):
    client = Client(world["server"].url)
    for location in ["mlflow-artifacts:/../../../outside", "file://" + str(world["root"] / "outside"), "http://169.254.169.254/latest"]:
        status, answer = client.post("experiments/create", {"name": f"loc-{abs(hash(location))}", "artifact_location": location})
        assert status == 200
        status, answer = client.post("runs/create", {"experiment_id": answer["experiment_id"]})
        run_id = answer["run"]["info"]["run_id"]
        status, _, body = client.request("GET", f"/api/2.0/mlflow/artifacts/list?run_id={run_id}")
        assert status in (200, 400)
        assert b"secret" not in body


def test_oversized_and_malformed_bodies(world):
    server = world["server"]
    big = b'{"name": "' + b"x" * (17 * 2**20) + b'"}'
    response = raw(server, f"POST /api/2.0/mlflow/experiments/create HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {len(big)}\r\nConnection: close\r\n\r\n".encode() + big)
    assert status_of(response) == 413 and json_body(response)["error_code"] == "INVALID_PARAMETER_VALUE"
    deep = b"[" * 100_000 + b"]" * 100_000
    response = raw(server, f"POST /api/2.0/mlflow/runs/log-batch HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {len(deep)}\r\nConnection: close\r\n\r\n".encode() + deep)
    assert status_of(response) == 400 and json_body(response)["error_code"] in ("INVALID_PARAMETER_VALUE", "BAD_REQUEST")
    headers = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 200_000 + b"\r\nConnection: close\r\n\r\n"
    assert status_of(raw(server, headers)) in (400, 431)
    status, answer = Client(server.url).post("runs/search", {"experiment_ids": ["0"], "max_results": 10**9})
    assert status == 400 and answer["error_code"] == "INVALID_PARAMETER_VALUE"
    assert Client(server.url).request("GET", "/health")[0] == 200


def test_idle_connections_are_closed(tmp_path):
    server = Server(tmp_path / "data", "--idle-timeout", "1").start()
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=15) as s:
            start = time.monotonic()
            assert s.recv(1) == b"", "the server kept a silent connection open"
            assert time.monotonic() - start < 10
    finally:
        server.stop()


def test_a_request_head_sent_byte_by_byte_is_cut_off(tmp_path):
    """Slowloris: trickling the request head does not keep the connection past the timeout."""
    server = Server(tmp_path / "data", "--idle-timeout", "2").start()
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=15) as s:
            start = time.monotonic()
            s.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            closed = False
            while time.monotonic() - start < 12:
                try:
                    s.sendall(b"a")
                except OSError:
                    closed = True
                    break
                s.settimeout(0.5)
                try:
                    if s.recv(1) == b"":
                        closed = True
                        break
                except socket.timeout:
                    pass
            assert closed, "a head trickled byte by byte kept the connection open"
            assert time.monotonic() - start < 8
    finally:
        server.stop()


def test_without_credentials_nothing_changes(tmp_path):
    data = tmp_path / "data"
    run_track("users", "add", "rita", "--role", "reader", "--password-stdin", "--data-dir", str(data), stdin="reader-password\n")
    server = Server(data, "--auth").start()
    try:
        before = tree(data / "artifacts") if (data / "artifacts").exists() else {}
        anonymous = Client(server.url)
        status, answer = anonymous.post("experiments/create", {"name": "anonymous"})
        assert status == 401 and answer["error_code"] == "UNAUTHENTICATED"
        assert anonymous.request("PUT", f"{ARTIFACTS}/0/r/artifacts/x.txt", b"x")[0] == 401
        reader = Client(server.url, auth=("rita", "reader-password"))
        status, answer = reader.post("experiments/create", {"name": "by-reader"})
        assert status == 403 and answer["error_code"] == "PERMISSION_DENIED"
        assert reader.request("PUT", f"{ARTIFACTS}/0/r/artifacts/x.txt", b"x")[0] == 403
        assert reader.get("experiments/get-by-name", experiment_name="anonymous")[0] == 404
        assert reader.get("experiments/get-by-name", experiment_name="by-reader")[0] == 404
        after = tree(data / "artifacts") if (data / "artifacts").exists() else {}
        assert before == after
    finally:
        server.stop()
