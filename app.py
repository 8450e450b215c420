"""Serve the timelines.

    python app.py [--data PATH] [--host HOST] [--port PORT]
    gunicorn app:server

`--data` (or TIMELINE_DATA) a folder, `data/` by default, serves every timeline in it
(timeline/folder/site.py): `events.csv` at / as before, each `<slug>.csv` at /t/<slug>/,
the index at /t/. A file serves that one timeline alone, as before issue 18.

A data file with errors stops the start with the validator's report, and a
setting the app cannot use (a weak editors' secret, say) with one line naming
it, so a broken deploy fails loudly instead of serving a broken timeline.
"""
from __future__ import annotations

import argparse
import functools
import logging
import sys

from timeline.app_factory import DataFileError, create_app
from timeline.config import Config, ConfigError
from timeline.folder.site import create_site


def build(data: str | None = None):
    if not logging.getLogger().handlers:  # reloads and refused versions go to the log
        logging.basicConfig(level=logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        config = Config.from_environment(data_path=data)
        return create_site(config) if config.folder else create_app(config).server
    except ConfigError as error:
        print(f"error: {error}. Not started.", file=sys.stderr)
        raise SystemExit(1) from None
    except DataFileError as error:
        for line in error.report.format_lines(error.path):
            print(line, file=sys.stderr)
        print(f"{error.path}: {error.report.summary()}: not serving it.", file=sys.stderr)
        raise SystemExit(1) from None


# A worker that exits with this tells gunicorn the app cannot load, so it stops
# instead of starting new workers, each refused the same way, forever.
GUNICORN_APP_LOAD_ERROR = 4


@functools.cache
def __getattr__(name: str):
    # gunicorn asks for `app:server`; build the app then, not at import.
    if name == "server":
        try:
            return build()
        except SystemExit:
            raise SystemExit(GUNICORN_APP_LOAD_ERROR) from None
    raise AttributeError(name)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the timeline.")
    parser.add_argument("--data", help="a folder of timelines, or one timeline's CSV "
                                       "(default: data/, the folder)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8050)
    args = parser.parse_args(argv)
    server = build(args.data)
    print(f"Serving the timeline at http://{args.host}:{args.port}/", file=sys.stderr)
    server.run(host=args.host, port=args.port, debug=False, threaded=True)


if __name__ == "__main__":
    main()
