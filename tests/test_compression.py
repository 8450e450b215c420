"""Bytes on the wire: compressed bodies decode to the original, caching headers, 304s."""
from __future__ import annotations

import json
import os
import re
import time

import brotli
import flask
import pytest

import timeline.serving.cache_folder as cache_folder
import timeline.serving.compression as compression
from support import BUNDLED_CSV
from timeline.app_factory import create_app
from timeline.config import REPOSITORY, Config, ConfigError
from timeline.serving.caching import DASH_END_ID, IMMUTABLE
from timeline.serving.compressed_cache import CompressedCache
from timeline.serving.compression import decompress, install_compression

SECRET = "a newsroom passphrase"
BROTLI = {"Accept-Encoding": "gzip, deflate, br, zstd"}  # as Chromium sends it
PLOTLY = REPOSITORY / "assets" / "vendor" / "plotly-scatter.min.js"


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory):
    """One disk cache for the module: each file is compressed at quality 11 once."""
    return tmp_path_factory.mktemp("compressed")


@pytest.fixture
def cache_dir(shared_cache, monkeypatch):
    monkeypatch.setattr(cache_folder, "default_cache_dir", lambda data_path=None: shared_cache)
    return shared_cache


@pytest.fixture
def fresh_cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "compressed"
    monkeypatch.setattr(cache_folder, "default_cache_dir", lambda data_path=None: folder)
    return folder


def make_app(data, background=False, **settings):
    app = create_app(Config(data_path=data, **settings))
    compressor = app.server.extensions["timeline_compression"]
    compressor.background = background
    return app.server.test_client(), compressor


@pytest.fixture
def client(cache_dir, data):
    return make_app(data)[0]


def page_urls(client, path: str) -> list[str]:
    page = client.get(path).text
    # plotly.js is named, not loaded: the page loads it when a reader needs it (picture.js).
    return [url for url in re.findall(
        r'(?:src|href|data-events|data-actor-figure|data-plotly)="(/[^"]+)"', page)
        if not url.startswith("/oembed")]


def without_end_id(body: bytes) -> bytes:
    return DASH_END_ID.sub(b'"end_id":""', body)


def test_every_file_of_the_explorer_and_the_embed_decodes_to_the_original(client):
    urls = page_urls(client, "/") + page_urls(client, "/embed")
    assert any("/_dash-component-suites/" in url for url in urls)
    assert any(url.startswith("/assets/") for url in urls)
    assert any(url.startswith("/static/") for url in urls)
    assert any(url.startswith("/embed/data/") for url in urls)
    for url in urls:
        original = client.get(url)
        assert original.status_code == 200, url
        assert "Content-Encoding" not in original.headers  # no Accept-Encoding: as it is
        sent = client.get(url, headers=BROTLI)
        if len(original.data) < compression.MIN_SIZE:
            assert "Content-Encoding" not in sent.headers
            continue
        assert sent.headers["Content-Encoding"] == "br", url
        assert "Accept-Encoding" in sent.headers["Vary"]
        assert int(sent.headers["Content-Length"]) == len(sent.data) < len(original.data)
        assert brotli.decompress(sent.data) == original.data, url


# Not /_dash-layout: the explorer's is an empty Div since issue 17, under MIN_SIZE.
@pytest.mark.parametrize("path", ["/", "/embed"])
def test_dynamic_answers_are_compressed_and_decode_to_the_original(client, path):
    original = client.get(path).data
    sent = client.get(path, headers=BROTLI)
    assert sent.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in sent.headers["Vary"]
    assert without_end_id(decompress(sent.data, "br")) == without_end_id(original)


def logged_in_editor(data):
    client, _ = make_app(data, edit_secret=SECRET)
    page = client.get("/edit/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    assert client.post("/edit/login", data={"secret": SECRET, "name": "Test editor", "csrf_token": token}
                       ).status_code == 302
    return client


def test_callback_answers_are_compressed(cache_dir, data):
    """The editor's (the explorer's callbacks all run in the browser): the preview
    chart drawn after a check."""
    client = logged_in_editor(data)
    dependencies = client.get("/edit/_dash-dependencies", headers=BROTLI)
    assert dependencies.headers["Content-Encoding"] == "br"
    [check] = [d for d in json.loads(decompress(dependencies.data, "br"))
               if "edit-preview.figure" in d["output"] and not d.get("clientside_function")
               and any(i["id"] == "edit-preview-due" for i in d["inputs"])]
    values = layout_values(client.get("/edit/_dash-layout").json)
    outputs = [{"id": part.split(".")[0], "property": part.split(".")[1].split("@")[0]}
               for part in check["output"].strip(".").split("...")]
    body = {"output": check["output"],
            # Dash sends a callback's one output as itself, several as a list.
            "outputs": outputs[0] if len(outputs) == 1 else outputs,
        "inputs": [{**i, "value": values.get((i["id"], i["property"]))}
                   for i in check["inputs"]],
        "state": [{**s, "value": values.get((s["id"], s["property"]))}
                  for s in check["state"]],
        "changedPropIds": ["edit-preview-due.data"]}
    headers = {"X-CSRFToken": client.get_cookie("_csrf_token", path="/edit/").value}
    plain = client.post("/edit/_dash-update-component", json=body, headers=headers)
    sent = client.post("/edit/_dash-update-component", json=body,
                       headers={**headers, **BROTLI})
    assert plain.status_code == sent.status_code == 200, plain.get_data(as_text=True)[:200]
    assert "edit-preview" in plain.json["response"]
    assert sent.headers["Content-Encoding"] == "br"
    assert len(sent.data) < len(plain.data) / 3
    assert decompress(sent.data, "br") == plain.data


def layout_values(node, values=None) -> dict[tuple[str, str], object]:
    """(component id, prop) → its value, in a Dash layout (JSON)."""
    values = {} if values is None else values
    if isinstance(node, list):
        for child in node:
            layout_values(child, values)
    elif isinstance(node, dict) and isinstance(node.get("props"), dict):
        props = node["props"]
        if isinstance(props.get("id"), str):
            values.update({(props["id"], key): value for key, value in props.items()})
        layout_values(props.get("children"), values)
    return values


@pytest.mark.parametrize("accept, encoding", [
    ("gzip, deflate", "gzip"), ("br;q=0, gzip", "gzip"), ("*", "br"), ("identity", None),
    ("", None), ("deflate", None)])
def test_brotli_else_gzip_else_identity(client, accept, encoding):
    url = next(u for u in page_urls(client, "/embed") if "plotly" in u)
    sent = client.get(url, headers={"Accept-Encoding": accept})
    assert sent.headers.get("Content-Encoding") == encoding
    body = decompress(sent.data, encoding) if encoding else sent.data
    assert body == PLOTLY.read_bytes()
    assert "Accept-Encoding" in sent.headers["Vary"]


def test_small_answers_go_out_as_they_are(client):
    response = client.get("/healthz", headers=BROTLI)
    assert len(response.data) < compression.MIN_SIZE
    assert "Content-Encoding" not in response.headers


def test_fingerprinted_files_are_cached_for_a_year(client):
    for url in page_urls(client, "/"):
        if "/_dash-component-suites/" in url or "?m=" in url:
            assert client.get(url, headers=BROTLI).headers["Cache-Control"] == IMMUTABLE, url
    for url in page_urls(client, "/embed"):
        if url.startswith(("/static/", "/embed/data/")):
            assert client.get(url, headers=BROTLI).headers["Cache-Control"] == IMMUTABLE, url


def test_an_asset_with_an_old_modification_time_is_not_pinned(client):
    url = next(u for u in page_urls(client, "/") if "style.css?m=" in u)
    stale = url.split("?m=")[0] + "?m=1000"
    response = client.get(stale, headers=BROTLI)
    assert response.status_code == 200
    assert "immutable" not in response.headers["Cache-Control"]
    # Dash's versioned files are pinned. (Its unversioned async chunks were dcc's: a
    # reader's page no longer names dcc, and its Dash no longer serves them.)
    renderer = next(u for u in page_urls(client, "/") if "dash_renderer" in u)
    assert "immutable" in client.get(renderer, headers=BROTLI).headers["Cache-Control"]
    assert client.get("/_dash-component-suites/dash/dcc/async-graph.js").status_code == 404


def test_pages_are_revalidated_with_an_etag(cache_dir, data):
    client, _ = make_app(data, edit_secret=SECRET)
    for path in ["/", "/embed", "/_dash-layout"]:
        response = client.get(path, headers=BROTLI)
        assert response.headers["Cache-Control"] == "no-cache", path
        assert response.headers["ETag"], path
    login = client.get("/edit/login")
    # Nothing under /edit/ is kept at all (timeline/serving/http_policy.py): no ETag either.
    assert login.headers["Cache-Control"] == "no-store" and "ETag" not in login.headers
    # A route's own Cache-Control is kept.
    health = client.get("/healthz")
    assert health.headers["Cache-Control"] == "no-store" and "ETag" not in health.headers
    assert client.get("/embed.js").headers["Cache-Control"] == "public, max-age=3600"


def repeat_with_etag(client, url, headers=BROTLI):
    first = client.get(url, headers=headers)
    assert first.status_code == 200 and first.headers.get("ETag"), url
    again = client.get(url, headers={**headers, "If-None-Match": first.headers["ETag"]})
    return first, again


def test_a_repeat_visit_is_a_304_with_no_body(client):
    urls = ["/", "/embed", "/_dash-layout", "/_dash-dependencies", "/embed.js"]
    urls += [u for u in page_urls(client, "/embed") if u.startswith("/static/")]
    urls += [u for u in page_urls(client, "/") if u.startswith("/assets/")]
    for url in urls:
        first, again = repeat_with_etag(client, url)
        assert again.status_code == 304, url
        assert again.data == b""
        assert again.headers["ETag"] == first.headers["ETag"]
        assert "Accept-Encoding" in again.headers.get("Vary", "") or len(first.data) < 1024


@pytest.mark.parametrize("accept", ["br", "identity"])
def test_an_answer_too_small_to_compress_is_a_304_on_a_repeat_visit_too(accept):
    """It gets an ETag like any other (the explorer's /_dash-dependencies is one
    now): the ETag must earn the 304."""
    server = flask.Flask(__name__)
    server.add_url_rule("/small", "small", lambda: flask.jsonify(callbacks=[]))
    install_compression(server, cache_dir=False, background=False)
    first, again = repeat_with_etag(server.test_client(), "/small",
                                    headers={"Accept-Encoding": accept})
    assert len(first.data) < compression.MIN_SIZE
    assert (again.status_code, again.data) == (304, b"")
    assert again.headers["ETag"] == first.headers["ETag"]


def test_each_encoding_has_its_own_etag(client):
    url = next(u for u in page_urls(client, "/embed") if "plotly" in u)
    tags = {encoding: client.get(url, headers={"Accept-Encoding": encoding}).headers["ETag"]
            for encoding in ("br", "gzip", "identity")}
    assert len(set(tags.values())) == 3
    assert tags["br"].endswith('-br"') and tags["gzip"].endswith('-gzip"')
    # Kept the brotli body, asks again with gzip only: gets the gzip body, not a 304.
    response = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": tags["br"]})
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
    # A client that kept the plain file keeps it, whatever it accepts now.
    response = client.get(url, headers={**BROTLI, "If-None-Match": tags["identity"]})
    assert response.status_code == 304 and response.headers["ETag"] == tags["identity"]


def test_head_gives_the_same_headers_as_get(client):
    url = next(u for u in page_urls(client, "/embed") if "plotly" in u)
    get = client.get(url, headers=BROTLI)
    head = client.head(url, headers=BROTLI)
    assert head.data == b""
    for name in ("Content-Encoding", "Content-Length", "ETag", "Cache-Control", "Vary"):
        assert head.headers[name] == get.headers[name]


def test_a_range_request_gets_the_plain_bytes(client):
    url = next(u for u in page_urls(client, "/embed") if "plotly" in u)
    response = client.get(url, headers={**BROTLI, "Range": "bytes=0-99"})
    assert response.status_code == 206
    assert "Content-Encoding" not in response.headers
    assert response.data == PLOTLY.read_bytes()[:100]


def counting(monkeypatch) -> list[tuple[str, int]]:
    calls = []
    real = compression.compress

    def compress(data, encoding, quality):
        calls.append((encoding, quality))
        return real(data, encoding, quality)

    monkeypatch.setattr(compression, "compress", compress)
    return calls


def test_a_static_file_is_compressed_once_and_reused_across_processes(fresh_cache_dir, data,
                                                                      monkeypatch):
    calls = counting(monkeypatch)
    client, compressor = make_app(data)
    url = next(u for u in page_urls(client, "/embed") if "plotly" in u)
    bodies = {client.get(url, headers=BROTLI).data for _ in range(3)}
    assert len(bodies) == 1
    assert calls == [("br", 11)]
    assert compressor.compressions == 1
    stored = [p for p in fresh_cache_dir.iterdir() if p.suffix == ".br"]
    assert [brotli.decompress(p.read_bytes()) for p in stored] == [PLOTLY.read_bytes()]

    # Another worker (or the next start) reads it from the disk cache.
    calls.clear()
    other, other_compressor = make_app(data)
    assert other.get(url, headers=BROTLI).data == bodies.pop()
    assert ("br", 11) not in calls and other_compressor.compressions == 0


def test_quality_11_runs_in_the_background_and_replaces_the_quick_body(fresh_cache_dir, data,
                                                                       monkeypatch):
    calls = counting(monkeypatch)
    client, compressor = make_app(data, background=True)
    url = next(u for u in page_urls(client, "/embed") if "/static/embed." in u)
    original = client.get(url).data
    quick = client.get(url, headers=BROTLI)
    assert quick.headers["ETag"].startswith('W/"')  # same content, other bytes: a weak tag
    assert brotli.decompress(quick.data) == original
    assert compressor.wait(120)
    best = client.get(url, headers=BROTLI)
    assert not best.headers["ETag"].startswith("W/")
    assert len(best.data) < len(quick.data)
    assert brotli.decompress(best.data) == original
    # A browser that kept the quick body still gets a 304.
    again = client.get(url, headers={**BROTLI, "If-None-Match": quick.headers["ETag"]})
    assert again.status_code == 304
    for _ in range(3):
        client.get(url, headers=BROTLI)
    assert calls.count(("br", 11)) == 1 and calls.count(("br", 5)) == 1


def test_a_file_too_big_for_quality_11_is_compressed_quickly_once(fresh_cache_dir, data,
                                                                  monkeypatch):
    """The search text of 100,000 events is 36 MB: over the size quality 11 is tried
    at, it was compressed again at every request (1.3 s of CPU each)."""
    calls = counting(monkeypatch)
    monkeypatch.setattr(compression, "MAX_STATIC_SIZE", 10_000)
    client, compressor = make_app(data, background=True)
    url = next(u for u in page_urls(client, "/embed") if "plotly" in u)
    answers = [client.get(url, headers=BROTLI) for _ in range(3)]
    assert calls == [("br", 5)] and compressor.compressions == 0
    assert {a.data for a in answers} == {answers[0].data}
    assert brotli.decompress(answers[0].data) == PLOTLY.read_bytes()
    assert not answers[0].headers["ETag"].startswith("W/")  # it is the final body
    # Another worker reads it from the disk cache.
    other, _ = make_app(data, background=True)
    assert other.get(url, headers=BROTLI).data == answers[0].data
    assert calls == [("br", 5)]


def test_a_cache_folder_others_can_write_to_is_not_used(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    assert CompressedCache(shared).folder is None
    private = tmp_path / "private"
    assert CompressedCache(private).folder == private
    assert private.stat().st_mode & 0o077 == 0


def test_the_embed_page_is_compressed_once_per_data_version(fresh_cache_dir, data, monkeypatch):
    """The same page for every reader (most of it the chart's picture): one brotli-11
    compression, not one per request; a change of data makes a new page."""
    calls = counting(monkeypatch)
    client, compressor = make_app(data)
    answers = [client.get("/embed", headers=BROTLI) for _ in range(3)]
    assert len({a.data for a in answers}) == 1 and answers[0].headers["Content-Encoding"] == "br"
    assert answers[0].headers["Cache-Control"] == "no-cache"  # still revalidated every time
    assert calls.count(("br", 11)) == 1 and ("br", 5) not in calls
    plain = client.get("/embed").data
    assert brotli.decompress(answers[0].data) == plain
    tag = answers[0].headers["ETag"]
    assert client.get("/embed", headers={**BROTLI, "If-None-Match": tag}).status_code == 304

    data.write_bytes(data.read_bytes().replace(b"Aurus", b"Aurus limousine", 1))
    deadline = time.monotonic() + 10
    while (changed := client.get("/embed", headers=BROTLI)).headers["ETag"] == tag:
        assert time.monotonic() < deadline, "the change never reached the page"
        time.sleep(0.1)  # the data store settles a change before it reads it
    assert calls.count(("br", 11)) == 2

    # A link with a query is compressed per request, quickly: queries are unbounded.
    calls.clear()
    for _ in range(2):
        client.get("/embed?category=gifts", headers=BROTLI)
    assert calls == [("br", 5), ("br", 5)]


# ------------------------------------------------------------------ the disk cache's folder

def aged(path, days: float) -> None:
    then = time.time() - days * 24 * 3600
    os.utime(path, (then, then), follow_symlinks=False)


def test_a_link_in_place_of_the_cache_folder_is_refused_not_followed(tmp_path, data):
    """Measured before: a link named like the cache, pointing to another folder, had a
    40-day-old file of that folder deleted at start and new files written there."""
    victim = tmp_path / "someone-elses"
    victim.mkdir()
    (victim / "old-report.txt").write_text("kept")
    aged(victim / "old-report.txt", 40)
    planted = tmp_path / "timeline-compressed"
    planted.symlink_to(victim, target_is_directory=True)
    assert CompressedCache(planted).folder is None
    app = create_app(Config(data_path=data, cache_dir=str(planted)))
    compressor = app.server.extensions["timeline_compression"]
    compressor.background = False
    client = app.server.test_client()
    url = next(u for u in page_urls(client, "/embed") if "plotly" in u)
    assert brotli.decompress(client.get(url, headers=BROTLI).data) == PLOTLY.read_bytes()
    assert [p.name for p in victim.iterdir()] == ["old-report.txt"]


def test_a_cache_folder_swapped_for_a_link_later_is_not_followed(tmp_path):
    folder, victim = tmp_path / "cache", tmp_path / "victim"
    victim.mkdir()
    cache = CompressedCache(folder)
    assert cache.folder == folder
    cache.store("first.br", b"a body")
    folder.rename(tmp_path / "moved")
    folder.symlink_to(victim, target_is_directory=True)
    cache.store("second.br", b"another body")
    assert not cache.on_disk("first.br") and list(victim.iterdir()) == []
    assert cache.folder is None and cache.get("second.br") == b"another body"  # memory only


def test_the_cache_is_a_hidden_folder_of_the_apps_own_beside_the_data(tmp_path, monkeypatch):
    data = tmp_path / "site" / "data" / "events.csv"
    data.parent.mkdir(parents=True)
    data.write_bytes(BUNDLED_CSV)
    assert cache_folder.default_cache_dir(data) == tmp_path / "site" / ".timeline-cache"
    client, _ = make_app(data)
    url = next(u for u in page_urls(client, "/embed") if "plotly" in u)
    client.get(url, headers=BROTLI)
    kept = {p.name for p in (tmp_path / "site" / ".timeline-cache").iterdir()}
    # The compressed file, and the embed's files that every worker shares (serving/shared_builds.py).
    assert {name.rpartition(".")[2] for name in kept if "build-" not in name} == {"br"}
    assert any(name.startswith("build-") for name in kept)
    # The repository's own data folder: the cache is kept out of git.
    assert cache_folder.default_cache_dir(REPOSITORY / "data" / "events.csv") == \
        REPOSITORY / ".timeline-cache"
    assert ".timeline-cache/" in (REPOSITORY / ".gitignore").read_text().split()
    # TIMELINE_CACHE_DIR puts it elsewhere.
    monkeypatch.setenv("TIMELINE_CACHE_DIR", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("TIMELINE_CACHE_MAX_MB", "3")
    app = create_app(Config.from_environment(data_path=str(data)))
    cache = app.server.extensions["timeline_compression"].cache
    assert (cache.folder, cache.disk_budget) == (tmp_path / "elsewhere", 3 * 1024 * 1024)


def test_a_cache_size_that_is_not_a_number_stops_the_start(monkeypatch, data):
    monkeypatch.setenv("TIMELINE_CACHE_MAX_MB", "lots")
    with pytest.raises(ConfigError, match="TIMELINE_CACHE_MAX_MB"):
        Config.from_environment(data_path=str(data))


def test_the_disk_cache_keeps_to_its_size_dropping_the_least_recently_used(tmp_path):
    folder = tmp_path / "cache"
    cache = CompressedCache(folder, disk_budget=1000)
    cache.store("a.br", b"a" * 400)
    cache.store("b.br", b"b" * 400)
    aged(folder / "a.br", 2)
    aged(folder / "b.br", 1)
    # Another worker reads a: it is used again, so b is now the least recently used.
    assert CompressedCache(folder, disk_budget=1000).get("a.br") == b"a" * 400
    cache.store("c.br", b"c" * 400)
    assert sorted(p.name for p in folder.iterdir()) == ["a.br", "c.br"]
    # A smaller size at the next start drops the least recently used until the rest fit.
    aged(folder / "c.br", 3)
    (folder / "old.br").write_bytes(b"o" * 10)
    aged(folder / "old.br", 40)  # unused for 40 days: gone whatever the size
    CompressedCache(folder, disk_budget=500)
    assert sorted(p.name for p in folder.iterdir()) == ["a.br"]
