"""`/oembed`, `/embed.js`, the discovery link and the two snippet forms, through Flask's test client."""
from __future__ import annotations

import gzip
import html
import re
from urllib.parse import quote, urlencode

import pytest

from support import DATA, csv_bytes
from timeline.app_factory import create_app
from timeline.config import Config
from timeline.embed.snippets import (
    EMBED_HEIGHT_PX,
    EMBED_WIDTH_PX,
    embed_loader_snippet,
    embed_snippet,
)

HOSTILE = 'Kim & Putin "</iframe><script>alert(1)</script>\' <b>'
ROWS = [{"id": "a", "start": "2024-02-20", "title": "A", "actors": "Kim Jong-un",
         "category": "gifts"}]


@pytest.fixture(scope="module")
def data_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "events.csv"
    path.write_bytes(csv_bytes(ROWS))
    return path


@pytest.fixture(scope="module")
def client(data_path):
    return create_app(Config(data_path=data_path, title=HOSTILE)).server.test_client()


@pytest.fixture(scope="module")
def public_client(data_path):
    config = Config(data_path=data_path, title="Public", public_url="https://news.example/rk")
    return create_app(config).server.test_client()


def oembed(client, url=None, **params):
    if url is not None:
        params["url"] = url
    return client.get("/oembed?" + urlencode(params))


def iframe_src(answer: dict) -> str:
    return html.unescape(re.fullmatch(r'<iframe src="([^"]*)"[^<]*></iframe>', answer["html"])[1])


@pytest.mark.parametrize(("link", "expected_src"), [
    ("http://localhost/", "http://localhost/embed"),
    ("http://localhost", "http://localhost/embed"),
    ("http://localhost/embed", "http://localhost/embed"),
    ("http://localhost/embed/", "http://localhost/embed"),
    ("http://localhost/?actor=Kim+Jong-un&category=gifts&event=a",
     "http://localhost/embed?actor=Kim+Jong-un&category=gifts&event=a"),
    ("http://localhost/embed?q=%EC%A0%95%EC%9D%80&zoom=2023-06-01..2024-12-31#top",
     "http://localhost/embed?q=%EC%A0%95%EC%9D%80&zoom=2023-06-01..2024-12-31"),
    ("HTTP://LOCALHOST:80/embed?lanes=actor", "http://localhost/embed?lanes=actor"),
])
def test_this_apps_explorer_and_embed_links_get_the_iframe_for_their_view(
        client, link, expected_src):
    response = oembed(client, link)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    answer = response.get_json()
    assert answer | {"html": None} == {
        "version": "1.0", "type": "rich", "provider_name": "localhost",
        "provider_url": "http://localhost/", "title": HOSTILE, "html": None,
        "width": EMBED_WIDTH_PX, "height": EMBED_HEIGHT_PX}
    assert iframe_src(answer) == expected_src
    assert f'width="{EMBED_WIDTH_PX}" height="{EMBED_HEIGHT_PX}"' in answer["html"]


def test_maxwidth_and_maxheight_are_honoured(client):
    answer = oembed(client, "http://localhost/embed?category=gifts", maxwidth="480",
                    maxheight="300", format="json").get_json()
    assert (answer["width"], answer["height"]) == (480, 300)
    assert 'width="480" height="300"' in answer["html"]
    assert "max-width:480px" in answer["html"]
    assert iframe_src(answer) == "http://localhost/embed?category=gifts"
    roomy = oembed(client, "http://localhost/", maxwidth="5000", maxheight="9" * 5000).get_json()
    assert (roomy["width"], roomy["height"]) == (EMBED_WIDTH_PX, EMBED_HEIGHT_PX)


def test_a_hostile_title_is_escaped(client):
    answer = oembed(client, 'http://localhost/embed?q="><script>x</script>').get_json()
    assert answer["title"] == HOSTILE  # JSON carries it as text; only the html is markup
    assert "<script" not in answer["html"] and "<b>" not in answer["html"]
    assert answer["html"].count("<iframe") == 1 and answer["html"].endswith("></iframe>")
    assert html.escape(HOSTILE) in answer["html"]
    assert iframe_src(answer) == 'http://localhost/embed?q="><script>x</script>'


@pytest.mark.parametrize("link", [
    "http://example.com/embed",
    "https://localhost.example.com/embed",
    "http://localhost:8050/embed",
    "http://user@evil.example/embed?@localhost",
    "http://localhost/edit/",
    "http://localhost/embed.js",
    "http://localhost/oembed?url=http://localhost/",
    "http://localhost/healthz",
    "http://localhost/embedded",
    "ftp://localhost/embed",
    "javascript://localhost/embed",
])
def test_other_links_are_not_found(client, link):
    assert oembed(client, link).status_code == 404


@pytest.mark.parametrize("params", [
    {"url": "http://localhost/", "format": "xml"},
    {"url": "http://localhost/embed", "format": "yaml"},
])
def test_formats_other_than_json_are_not_implemented(client, params):
    assert client.get("/oembed?" + urlencode(params)).status_code == 501


@pytest.mark.parametrize("query", [
    "", "url=", "url=%20", "url=localhost/embed", "url=/embed", "url=embed",
    "url=http://[::1", "url=http://localhost:99999/", "url=http://localhost:x/",
    "url=http://", "url=%00%ff", "url=http%3A%2F%2F%5B", "format=json",
    "url=http://localhost/&maxwidth=abc", "url=http://localhost/&maxwidth=-5",
    "url=http://localhost/&maxheight=0", "url=http://localhost/&maxheight=1.5",
    "url=http://localhost/&maxwidth=%C2%B2",
])
def test_a_missing_or_garbled_request_is_a_bad_request(client, query):
    assert client.get("/oembed?" + query).status_code == 400


@pytest.mark.parametrize("url", [
    "http://localhost/embed?" + "x" * 20000, "http://%", "http://localhost:/embed",
    "http://[v1.x]/", "http://[::1]:8050/embed", "https://localhost\\@evil/",
    "http://localhost/\r\nX-Evil: 1", "data:text/html,<script>", "//localhost/embed",
    "http://LOCALHOST./embed", "http://xn--e1afmkfd.xn--p1ai/", "http://localhost/%2e%2e/embed",
])
def test_no_url_makes_an_error_of_the_server(client, url):
    assert oembed(client, url, maxwidth="1", maxheight="1").status_code in {200, 400, 404}


def test_the_public_url_decides_what_is_this_app(public_client):
    answer = oembed(public_client, "https://news.example/rk/?category=gifts").get_json()
    assert iframe_src(answer) == "https://news.example/rk/embed?category=gifts"
    assert answer["provider_url"] == "https://news.example/rk/"
    assert oembed(public_client, "http://news.example/rk/embed").status_code == 200
    assert oembed(public_client, "https://news.example/embed").status_code == 404
    assert oembed(public_client, "http://localhost/embed").status_code == 404


def test_the_explorer_advertises_oembed_for_its_own_url(client):
    page = client.get("/?category=gifts&actor=Kim+Jong-un").get_data(as_text=True)
    head = page.split("</head>")[0]
    links = re.findall(r'<link rel="alternate" type="application/json\+oembed"[^>]*>', head)
    assert len(links) == 1
    href = html.unescape(re.search(r'href="([^"]*)"', links[0])[1])
    assert href == ("http://localhost/oembed?url="
                    + quote("http://localhost/?category=gifts&actor=Kim+Jong-un", safe="")
                    + "&format=json")
    assert f'title="{html.escape(HOSTILE)}"' in links[0]
    # The link works.
    assert iframe_src(client.get(href).get_json()) == (
        "http://localhost/embed?category=gifts&actor=Kim+Jong-un")


def test_the_loader_script_is_served_as_javascript_with_a_modest_cache(client):
    response = client.get("/embed.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    assert b"embed-size" in response.data
    again = client.get("/embed.js", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_the_two_snippets_escape_every_value():
    base, query = 'https://news.example/"x/', "q=%22&actor=Kim+Jong-un"
    plain = embed_snippet(base, query, HOSTILE)
    loader = embed_loader_snippet(base, query, HOSTILE)
    for snippet in (plain, loader):
        assert "<script>alert" not in snippet and "<b>" not in snippet and '/"x/' not in snippet
        assert 'src="https://news.example/&quot;x/embed?q=%22&amp;actor=Kim+Jong-un"' in snippet
        assert f'height="{EMBED_HEIGHT_PX}"' in snippet
        # An event's video may go full screen: the article passes that on, no more.
        assert 'allow="fullscreen; picture-in-picture"' in snippet
    assert plain.count("<") == 2 and "data-timeline-embed" not in plain
    iframe, script = loader.split("\n")
    assert "data-timeline-embed" in iframe
    assert script == '<script src="https://news.example/&quot;x/embed.js" async></script>'


def test_without_a_title_setting_the_datas_title_row_names_the_timeline(tmp_path):
    data = tmp_path / "events.csv"
    data.write_bytes(csv_bytes(ROWS + [{"type": "title", "title": "Our <timeline>"}]))
    client = create_app(Config(data_path=data)).server.test_client()
    answer = oembed(client, "http://localhost/").get_json()
    assert answer["title"] == "Our <timeline>"
    assert 'title="Our &lt;timeline&gt;"' in answer["html"]
    assert 'title="Our &lt;timeline&gt;">' in client.get("/").get_data(as_text=True)


def test_the_discovery_link_survives_compression(client):
    response = client.get("/?category=gifts", headers={"Accept-Encoding": "gzip"})
    body = gzip.decompress(response.data) if response.headers.get(
        "Content-Encoding") == "gzip" else response.data
    assert body.count(b'type="application/json+oembed"') == 1


def test_the_title_is_the_timeline_s_in_the_link_s_language(tmp_path):
    """A link's `lang` (issue 17) names the title in that language: the title row's
    `title_ko`, `title_ru`; without one, the timeline's own language (`language=ko`)."""
    data = tmp_path / "events.csv"
    data.write_bytes((DATA / "languages.csv").read_bytes())
    client = create_app(Config(data_path=data)).server.test_client()
    for link, title in [("http://localhost/embed?lang=ru&event=aurus-delivered",
                         "Россия и КНДР: хронология"),
                        ("http://localhost/?lang=en", "Russia and North Korea: a timeline"),
                        ("http://localhost/embed", "러시아와 북한: 연표")]:
        answer = oembed(client, link).get_json()
        assert answer["title"] == title, link
        assert f'title="{title}"' in answer["html"]
    assert "lang=ru" in iframe_src(oembed(client, "http://localhost/embed?lang=ru").get_json())
    # The page's discovery link names it alike.
    page = client.get("/?lang=ru").get_data(as_text=True)
    assert re.search(r'type="application/json\+oembed"[^>]*title="Россия и КНДР: хронология"',
                     page)


def test_the_credit_is_the_author_and_none_without_one(tmp_path, client):
    assert "author_name" not in oembed(client, "http://localhost/embed").get_json()
    data = tmp_path / "credited.csv"
    data.write_bytes(csv_bytes([
        {"type": "title", "title": "Floods", "settings": "credit=Jane Smith, The Daily"},
        {"id": "rain", "start": "2024-03-01", "title": "Rain", "actors": "Met Office",
         "category": "weather"}]))
    credited = create_app(Config(data_path=data)).server.test_client()
    assert oembed(credited, "http://localhost/").get_json()["author_name"] == (
        "Jane Smith, The Daily")
