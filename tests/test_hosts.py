"""Only this app's own host names are answered (timeline/serving/hosts.py): any other `Host`
is a plain 400, before it can make the server build and keep a page for it."""
from __future__ import annotations

import http.client
import threading
from contextlib import contextmanager

import pytest
from werkzeug.serving import make_server

from timeline.app_factory import create_app
from timeline.config import Config, ConfigError
from timeline.serving.hosts import ALLOWED_HOSTS_VARIABLE, host_name

BROTLI = {"Accept-Encoding": "br"}


def answer(app, host: str, path: str = "/embed", headers: dict | None = None):
    return app.server.test_client().get(path, headers=headers,
                                        environ_overrides={"HTTP_HOST": host})


def assert_refused(response) -> None:
    assert response.status_code == 400, response.status_code
    body = response.get_data(as_text=True)
    assert response.mimetype == "text/plain" and len(body) < 300
    assert ALLOWED_HOSTS_VARIABLE in body and "example" not in body  # nothing echoed


def test_every_new_host_name_was_a_new_page_to_compress_and_keep_now_it_is_refused(data):
    """Measured before: 20 host names, 21 files in the compression cache."""
    app = create_app(Config(data_path=data))
    compressor = app.server.extensions["timeline_compression"]
    compressor.background = False  # each page compressed at once, at brotli 11, and kept
    kept = compressor.cache._memory
    assert answer(app, "localhost", headers=BROTLI).status_code == 200
    before = len(kept)
    for number in range(20):
        assert_refused(answer(app, f"host-{number}.example", headers=BROTLI))
    assert len(kept) == before


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST:8050", "localhost.", "127.0.0.1",
                                  "127.0.0.1:5", "[::1]", "[::1]:8050"])
def test_this_machines_own_names_are_answered_by_default(data, host):
    assert answer(create_app(Config(data_path=data)), host).status_code == 200


@pytest.mark.parametrize("host", ["example.org", "localhost.example", "127.0.0.1.example",
                                  "127.0.0.2", "[::2]", "localhost:x", "[::1", "local host",
                                  "xn--80ak6aa92e.example"])
def test_other_names_are_refused_by_default(data, host):
    assert_refused(answer(create_app(Config(data_path=data)), host))


def test_the_public_urls_host_is_answered_too(data):
    app = create_app(Config(data_path=data, public_url="https://Timeline.Example.org:8443/rk"))
    for host in ("timeline.example.org", "TIMELINE.example.org:443", "localhost"):
        assert answer(app, host).status_code == 200, host
    assert_refused(answer(app, "other.example.org"))


def test_the_setting_replaces_the_default(data):
    app = create_app(Config(data_path=data, allowed_hosts="news.example, .example.net [::2]",
                            public_url="https://timeline.example.org/"))
    for host in ("news.example:8050", "example.net", "a.b.example.net", "[::2]:80",
                 "timeline.example.org"):
        assert answer(app, host).status_code == 200, host
    for host in ("localhost", "127.0.0.1", "badexample.net", "news.example.evil"):
        assert_refused(answer(app, host))


def test_any_host_when_asked_for(data):
    app = create_app(Config(data_path=data, allowed_hosts="*"))
    assert answer(app, "anything.example").status_code == 200


@pytest.mark.parametrize("setting", ["https://news.example/", "news.example/path", "a b/c",
                                     "news..example", "[::1", "news.example:port"])
def test_a_setting_that_names_no_host_stops_the_start(data, setting):
    with pytest.raises(ConfigError, match=ALLOWED_HOSTS_VARIABLE):
        create_app(Config(data_path=data, allowed_hosts=setting))


@contextmanager
def served_on(address: str, wsgi_app):
    server = make_server(address, 0, wsgi_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        thread.join()


def status_over_a_socket(address: str, port: int, host: str) -> int:
    connection = http.client.HTTPConnection(address, port, timeout=30)
    try:
        connection.request("GET", "/healthz", headers={"Host": host})
        return connection.getresponse().status
    finally:
        connection.close()


def test_the_address_the_server_is_bound_to_is_answered(data):
    """`python app.py --host 127.0.0.2`: readers reach it by that address."""
    app = create_app(Config(data_path=data))
    with served_on("127.0.0.2", app.server) as port:
        assert status_over_a_socket("127.0.0.2", port, f"127.0.0.2:{port}") == 200
        assert status_over_a_socket("127.0.0.2", port, "localhost") == 200
        assert status_over_a_socket("127.0.0.2", port, "127.0.0.3") == 400
        assert status_over_a_socket("127.0.0.2", port, "news.example") == 400
    # With the setting, only what it names.
    listed = create_app(Config(data_path=data, allowed_hosts="news.example"))
    with served_on("127.0.0.2", listed.server) as port:
        assert status_over_a_socket("127.0.0.2", port, "127.0.0.2") == 400
        assert status_over_a_socket("127.0.0.2", port, "news.example") == 200


@pytest.mark.parametrize("written, name", [
    ("Example.ORG", "example.org"), ("example.org:80", "example.org"),
    ("example.org.", "example.org"), ("[::1]:8050", "::1"), ("[0:0::1]", "::1"),
    ("::1", "::1"), ("127.0.0.1:0", "127.0.0.1"), ("", None), (":80", None),
    ("exa mple.org", None), ("example.org:8o", None), ("[example.org]", None),
    ("ex_ample.org", "ex_ample.org"), ("-x.org", None), ("a" * 64 + ".org", "a" * 64 + ".org"),
])
def test_host_names_as_written_in_a_header(written, name):
    assert host_name(written) == name
