"""What an event's `media_url` is: an image, a sound, a video file, a YouTube or
Vimeo video, or just a link.

The reader's card (`engine/web/media.js`, its twin in the browser) shows each
kind as its own element; TimelineJS's `Media` cells are kept as media when they
are one of these (`timelinejs._media`). Both follow `tests/data/media_cases.json`.
Ids are read strictly: anything that does not match exactly is a link, never a
player.
"""
from __future__ import annotations

import re
from typing import Literal, NamedTuple
from urllib.parse import parse_qs, urlsplit

Kind = Literal["image", "audio", "video", "youtube", "vimeo", "link"]

IMAGE_ENDINGS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".avif", ".bmp")
AUDIO_ENDINGS = (".mp3", ".m4a", ".ogg", ".oga", ".wav", ".opus", ".aac")
VIDEO_ENDINGS = (".mp4", ".webm", ".ogv", ".mov")
YOUTUBE_HOSTS = ("youtube.com", "www.youtube.com", "m.youtube.com")
VIMEO_HOSTS = ("vimeo.com", "www.vimeo.com")
# The players' privacy-enhanced addresses (no cookies until a reader plays;
# Vimeo's `dnt=1` stops its tracking): the only hosts the pages may frame.
YOUTUBE_PLAYER = "https://www.youtube-nocookie.com/embed/"
VIMEO_PLAYER = "https://player.vimeo.com/video/"
PLAYER_ORIGINS = ("https://www.youtube-nocookie.com", "https://player.vimeo.com")

_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_YOUTUBE_PATH = re.compile(r"/(?:shorts|embed)/([A-Za-z0-9_-]{11})/?")
_YOUTU_BE_PATH = re.compile(r"/([A-Za-z0-9_-]{11})/?")
_VIMEO_PATH = re.compile(r"/([0-9]{1,12})/?")
_VIMEO_PLAYER_PATH = re.compile(r"/video/([0-9]{1,12})/?")
# Characters a browser's URL parser would quietly drop or read as a slash: such an
# address could mean one thing here and another there, so it is no media at all.
_AMBIGUOUS = re.compile(r"[\\\s\x00-\x1f\x7f]")
# A path with `.` or `..` segments, which a browser resolves and Python does not:
# only a link, on both sides.
_DOT_SEGMENT = re.compile(r"/\.\.?(?:/|$)")


class Media(NamedTuple):
    kind: Kind
    id: str = ""  # the video's id, for YouTube and Vimeo

    @property
    def player(self) -> str:
        """The address the card frames, for YouTube and Vimeo ('' otherwise)."""
        if self.kind == "youtube":
            return YOUTUBE_PLAYER + self.id
        if self.kind == "vimeo":
            return f"{VIMEO_PLAYER}{self.id}?dnt=1"
        return ""


def media_of(url: str) -> Media | None:
    """The kind of media `url` names; None when it is no web address at all."""
    if not url or _AMBIGUOUS.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    # A user name or a port (`:` also in IPv6 hosts) is never a player's address.
    if "@" in parts.netloc or ":" in parts.netloc or _DOT_SEGMENT.search(parts.path):
        return Media("link")
    host, path = parts.hostname, parts.path
    if host in YOUTUBE_HOSTS:
        if path == "/watch":
            ids = parse_qs(parts.query, keep_blank_values=True).get("v", [])
            if ids and _YOUTUBE_ID.fullmatch(ids[0]):
                return Media("youtube", ids[0])
        elif match := _YOUTUBE_PATH.fullmatch(path):
            return Media("youtube", match.group(1))
        return Media("link")
    if host == "youtu.be":
        match = _YOUTU_BE_PATH.fullmatch(path)
        return Media("youtube", match.group(1)) if match else Media("link")
    if host in VIMEO_HOSTS:
        match = _VIMEO_PATH.fullmatch(path)
        return Media("vimeo", match.group(1)) if match else Media("link")
    if host == "player.vimeo.com":
        match = _VIMEO_PLAYER_PATH.fullmatch(path)
        return Media("vimeo", match.group(1)) if match else Media("link")
    ending = path.lower()
    for kind, endings in (("image", IMAGE_ENDINGS), ("audio", AUDIO_ENDINGS),
                          ("video", VIDEO_ENDINGS)):
        if ending.endswith(endings):
            return Media(kind)
    return Media("link")
