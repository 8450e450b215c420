"""Who the client is behind a reverse proxy: `X-Forwarded-For`, from trusted proxies only.

Behind a proxy every request comes from the proxy's own address (127.0.0.1),
so the editor's login limit, counted per address, let one client's wrong
guesses lock every editor out. gunicorn cannot fix that: its
`forwarded_allow_ips` decides only whether to believe the scheme
(`X-Forwarded-Proto`) and never sets the client's address from
`X-Forwarded-For`. So the app does it, the same way under gunicorn and
`python app.py`: werkzeug's `ProxyFix` (the last address in
`X-Forwarded-For`, the one the nearest proxy appended) is applied to a
request only when it comes straight from an address in
`TIMELINE_TRUSTED_PROXIES` (loopback by default). Anyone else's
`X-Forwarded-For` is ignored, so a client cannot choose the address it is
counted under.
"""
from __future__ import annotations

import ipaddress

import flask
from werkzeug.middleware.proxy_fix import ProxyFix

from timeline.config import ConfigError

TRUSTED_PROXIES_VARIABLE = "TIMELINE_TRUSTED_PROXIES"
NO_PROXY = "none"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(value: str) -> tuple[Network, ...]:
    """The proxies' addresses or networks (`10.0.0.0/8`), separated by spaces or commas;
    `none` trusts no proxy. Raises ConfigError naming the setting on anything else."""
    networks = []
    for token in value.replace(",", " ").split():
        if token.lower() == NO_PROXY:
            continue
        try:
            networks.append(ipaddress.ip_network(token, strict=False))
        except ValueError:
            raise ConfigError(f"{TRUSTED_PROXIES_VARIABLE}: {token!r} is not an IP address or "
                             f"network such as 127.0.0.1 or 10.0.0.0/8 (or {NO_PROXY})") from None
    return tuple(networks)


class TrustedProxies:
    """WSGI middleware: the client's address from `X-Forwarded-For` when a trusted proxy
    sent the request, else the connection's own address."""

    def __init__(self, app, networks: tuple[Network, ...]):
        self._app = app
        self._networks = networks
        self._through_proxy = ProxyFix(app, x_for=1)

    def __call__(self, environ, start_response):
        if self.is_trusted(environ.get("REMOTE_ADDR") or ""):
            return self._through_proxy(environ, start_response)
        return self._app(environ, start_response)

    def is_trusted(self, peer: str) -> bool:
        try:
            address = ipaddress.ip_address(peer)
        except ValueError:
            # Not an IP address: a Unix socket, which only this machine can reach
            # (gunicorn trusts those for its own forwarded headers too).
            return bool(self._networks)
        if address.version == 6 and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        return any(address in network for network in self._networks)


def install_trusted_proxies(server: flask.Flask, value: str) -> None:
    """Make `request.remote_addr` the client's address behind the proxies `value` names."""
    server.wsgi_app = TrustedProxies(server.wsgi_app, trusted_networks(value))
