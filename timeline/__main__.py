"""`python -m timeline …`: see timeline/cli.py."""
from timeline.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
