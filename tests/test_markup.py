import pytest

from timeline.data.markup import Link, escape_for_plotly, is_web_address, plain_text, split_links


def test_links_become_links():
    assert split_links("See [KCNA](https://kcna.kp/en) and [UN](http://un.org).") == [
        "See ", Link("KCNA", "https://kcna.kp/en"), " and ", Link("UN", "http://un.org"), "."]


@pytest.mark.parametrize("text", [
    "[click](javascript:alert(1))", "[x](data:text/html,<script>alert(1)</script>)",
    "[x](//evil.example)", "[x](https:)", "no links at all", "[unclosed](https://a.b",
])
def test_anything_but_web_links_stays_text(text):
    assert all(isinstance(piece, str) for piece in split_links(text))
    assert "".join(split_links(text)) == text


def test_plain_text_keeps_labels():
    assert plain_text("Read [the report](https://c4ads.org) now") == "Read the report now"


@pytest.mark.parametrize("url, ok", [("https://a.org/x?y=1", True), ("http://a.org", True),
                                     ("ftp://a.org", False), ("javascript:alert(1)", False),
                                     ("https://", False), ("", False), ("http://[::1", False)])
def test_is_web_address(url, ok):
    assert is_web_address(url) is ok


def test_escape_for_plotly():
    assert escape_for_plotly("<b>Kim</b> & <img src=x onerror=alert(1)>") == (
        "&lt;b&gt;Kim&lt;/b&gt; &amp; &lt;img src=x onerror=alert(1)&gt;")
