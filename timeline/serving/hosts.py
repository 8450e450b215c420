"""Which host names the app answers to: a request naming any other `Host` gets a 400.

Without `TIMELINE_PUBLIC_URL`, the embed's snippets, links and data are built
from the request's `Host`, and each version is compressed (brotli 11) and kept
per host: a client sending a new host name in every request made the server
compress and keep the same bytes again each time. So only these names are
answered, with any port:

- the names in `TIMELINE_ALLOWED_HOSTS` (space- or comma-separated; `.example.org`
  is that name and every name under it, `*` any name), or by default
  `localhost`, `127.0.0.1` and `[::1]`, and the address the client connected
  to (the address the server is bound to, so `python app.py --host 0.0.0.0` is
  reachable by the machine's own IP addresses, but not by a name);
- always the host of `TIMELINE_PUBLIC_URL`, when it is set.
"""
from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import flask

from timeline.config import Config, ConfigError
from timeline.serving.plain_answers import plain

ALLOWED_HOSTS_VARIABLE = "TIMELINE_ALLOWED_HOSTS"
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
ANY_HOST = "*"
_NAME = re.compile(r"^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$")
REFUSED = ("This server does not answer to the host name this request was sent to. Its "
           f"operator can allow that name with {ALLOWED_HOSTS_VARIABLE}.")


def host_name(host: str) -> str | None:
    """The name in a `Host` header or a setting, lower-case, without its port or an
    IPv6 address's brackets; None when it is not a host name or address at all."""
    host = host.strip().lower()
    if host.startswith("["):  # [v6] or [v6]:port
        name, bracket, rest = host[1:].partition("]")
        return _address(name) if bracket and re.fullmatch(r"(:[0-9]+)?", rest) else None
    if host.count(":") > 1:  # an IPv6 address without brackets, as a setting may write it
        return _address(host)
    name, colon, port = host.partition(":")
    if colon and not port.isdigit():
        return None
    name = name[:-1] if name.endswith(".") else name  # 'example.org.' is example.org
    return _address(name) or (name if _NAME.match(name) else None)


def _address(text: str) -> str | None:
    """`text` written the one way Python writes that IP address, or None."""
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return str(address)


@dataclass(frozen=True)
class AllowedHosts:
    names: frozenset[str]          # exact names
    suffixes: tuple[str, ...] = ()  # '.example.org': the name and every name under it
    any_host: bool = False
    bound_address: bool = True     # also the address the client connected to

    def allows(self, name: str | None, local_address: str | None = None) -> bool:
        if name is None:
            return False
        if self.any_host or name in self.names:
            return True
        if any(name == suffix[1:] or name.endswith(suffix) for suffix in self.suffixes):
            return True
        return self.bound_address and local_address is not None and name == local_address


def allowed_hosts(config: Config) -> AllowedHosts:
    """The names `config` allows. Raises ConfigError, naming the setting, on an entry
    that is not a host name (a typo fails at start, not by refusing every reader)."""
    setting = config.allowed_hosts.replace(",", " ").split()
    names: set[str] = set()
    suffixes: list[str] = []
    for token in setting:
        if token == ANY_HOST:
            return AllowedHosts(frozenset(), any_host=True)
        suffix = token.startswith(".")
        name = host_name(token[1:] if suffix else token)
        if name is None:
            raise ConfigError(f"{ALLOWED_HOSTS_VARIABLE}: {token!r} is not a host name such as "
                              f"timeline.example.org, .example.org (that name and every name "
                              f"under it), an IP address, or *")
        if suffix:
            suffixes.append("." + name)
        else:
            names.add(name)
    if not setting:
        names.update(LOOPBACK_NAMES)
    if config.public_url:
        public = host_name(urlsplit(config.public_url).netloc.rpartition("@")[2])
        if public:
            names.add(public)
    return AllowedHosts(frozenset(names), tuple(suffixes), bound_address=not setting)


def local_address(environ: dict) -> str | None:
    """The IP address of this end of the client's connection, as the WSGI server
    holds it (gunicorn and Werkzeug both hand over the socket); None if unknown."""
    for key in ("gunicorn.socket", "werkzeug.socket"):
        connection = environ.get(key)
        if connection is None:
            continue
        try:
            address = connection.getsockname()
        except (OSError, AttributeError):
            return None
        if isinstance(address, tuple) and address:
            return _address(str(address[0]).split("%")[0])  # an IPv6 scope is not in a Host
        return None  # a Unix socket: no address of its own
    return None


def install_host_check(server: flask.Flask, config: Config) -> None:
    """Answer requests for other host names with a plain 400, before any other hook."""
    allowed = allowed_hosts(config)
    if allowed.any_host:
        return

    def check_host():
        request = flask.request
        name = host_name(request.host)
        if allowed.allows(name, local_address(request.environ) if allowed.bound_address
                          else None):
            return None
        return plain(400, REFUSED)

    server.before_request_funcs.setdefault(None, []).insert(0, check_host)
