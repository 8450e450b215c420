"""Production settings for `gunicorn app:server` (`make serve`), behind an HTTPS proxy.

The app, and the data with it, is loaded once in gunicorn's master process, and
each worker starts as a copy of it (`preload_app`). Each worker then has its own
copy of the data, checked before each request (timeline/data_store.py), and
reloads a changed file by itself. Threads let one worker serve several readers
while another request waits on the network. Override any of these with
environment variables or gunicorn's flags.
"""
import multiprocessing
import os

bind = os.environ.get("TIMELINE_BIND", "127.0.0.1:8050")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
worker_class = "gthread"
# Loaded once, before the workers start: at 100,000 events five workers loading the
# data at once on two cores took 12.5 s to answer; one load takes about 3 s.
preload_app = True
threads = int(os.environ.get("TIMELINE_THREADS", 4))
# A reader's request takes milliseconds; anything near this is stuck.
timeout = 30
graceful_timeout = 20
keepalive = 5
# The reverse proxy terminates HTTPS. gunicorn believes its X-Forwarded-Proto only
# from the proxies the app trusts for X-Forwarded-For (timeline/serving/proxies.py):
# TIMELINE_TRUSTED_PROXIES, loopback by default; FORWARDED_ALLOW_IPS still overrides.
_TRUSTED_PROXIES = [token for token in os.environ.get("TIMELINE_TRUSTED_PROXIES", "127.0.0.1 ::1")
                    .replace(",", " ").split() if token.lower() != "none"]
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS") or ",".join(_TRUSTED_PROXIES)
accesslog = os.environ.get("TIMELINE_ACCESS_LOG") or None
errorlog = "-"


def _start_loading_the_data() -> None:
    """A big data file starts loading now, in a child process, while the master
    imports the app's code (timeline/data_store.py, start_loading)."""
    from timeline.config import Config, ConfigError
    from timeline.data_store import start_loading
    try:
        start_loading(Config.from_environment().data_path)
    except ConfigError:
        pass  # the app's own start says what is wrong


_start_loading_the_data()
