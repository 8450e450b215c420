"""Concurrent HTTP clients on loopback, for the benchmarks: latency, throughput, errors.

Each client is a thread with its own keep-alive connection, cycling through a
mix of requests; a connection the server closes is reopened and the request
counted as an error only if it then fails too.
"""
from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

Request = tuple[str, str, bytes | None]  # method, path, body


@dataclass
class Outcome:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def summary(self, seconds: float, clients: int) -> dict:
        latencies = sorted(self.latencies)

        def percentile(share: float) -> float:
            return round(1000 * latencies[min(len(latencies) - 1, int(len(latencies) * share))], 1)
        errors = len(self.failures) + sum(n for s, n in self.statuses.items() if s >= 400)
        return {"clients": clients, "seconds": seconds, "requests": len(latencies),
                "requests_per_s": round(len(latencies) / seconds, 1),
                "median_ms": percentile(0.5), "p95_ms": percentile(0.95),
                "p99_ms": percentile(0.99), "errors": errors,
                "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
                "failures": self.failures[:10]}


def run_clients(base: str, mix: Callable[[int], list[Request]], clients: int,
                seconds: float) -> dict:
    """`clients` threads for `seconds`; `mix(client_number)` gives that client's requests."""
    host, port = base.replace("http://", "").split(":")
    outcome = Outcome()
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(number: int) -> None:
        requests = mix(number)
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        latencies, statuses, failures, index = [], {}, [], 0
        while time.monotonic() < stop:
            method, path, body = requests[index % len(requests)]
            index += 1
            started = time.perf_counter()
            for attempt in (1, 2):
                try:
                    connection.request(method, path, body=body, headers={
                        "Accept-Encoding": "br, gzip", "Content-Type": "application/json"})
                    response = connection.getresponse()
                    response.read()
                    break
                except (OSError, http.client.HTTPException) as problem:
                    connection.close()
                    connection = http.client.HTTPConnection(host, int(port), timeout=30)
                    if attempt == 2:
                        failures.append(f"{method} {path}: {problem!r}")
                        response = None
            if response is None:
                continue
            latencies.append(time.perf_counter() - started)
            statuses[response.status] = statuses.get(response.status, 0) + 1
        with lock:
            outcome.latencies.extend(latencies)
            outcome.failures.extend(failures)
            for status, count in statuses.items():
                outcome.statuses[status] = outcome.statuses.get(status, 0) + count

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcome.summary(seconds, clients)
