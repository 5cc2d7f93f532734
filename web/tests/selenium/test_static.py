"""Every file of the UI as the browser gets it from `track server`: the right content type (module
scripts need a JavaScript type), a strong ETag honoured with 304, gzip that decodes to the file."""
from __future__ import annotations

import gzip
import urllib.error
import urllib.request

from conftest import WEB_ROOT

TYPES = {".html": "text/html", ".js": "text/javascript", ".css": "text/css"}


def fetch(url, **headers):
    req = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def test_ui_files_types_etags_gzip(server):
    files = [p for p in WEB_ROOT.rglob("*") if p.suffix in TYPES and "tests" not in p.relative_to(WEB_ROOT).parts]
    assert len(files) > 20
    for path in files:
        rel = path.relative_to(WEB_ROOT).as_posix()
        url = f"{server.url}/{'' if rel == 'index.html' else rel}"
        status, headers, body = fetch(url)
        assert status == 200, (rel, status)
        assert headers["Content-Type"].startswith(TYPES[path.suffix]), (rel, headers["Content-Type"])
        assert body == path.read_bytes(), rel
        etag = headers["ETag"]
        assert etag and etag.startswith('"'), (rel, etag)
        assert fetch(url, **{"If-None-Match": etag})[0] == 304, rel
        status, zheaders, zbody = fetch(url, **{"Accept-Encoding": "gzip"})
        if len(body) > 512:
            assert zheaders["Content-Encoding"] == "gzip", rel
            assert gzip.decompress(zbody) == body, rel
        assert headers["X-Content-Type-Options"] == "nosniff"
