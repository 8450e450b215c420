"""A newsroom's timeline: one CSV file, read, checked, drawn and served.

The packages follow the data's way, each importing only from those below it
(tests/test_layers.py; the map is in docs/architecture.md):

    app_factory, cli        build the app from a config; the command line
    explorer, embed, editor the pages (none imports another)
    engine                  what both reader pages run in the browser
    serving                 HTTP: headers, compression, bad requests, shared builds
    data_store              the data file, watched: the last good version
    view                    what a view shows: transforms, figure, payload
    data                    the CSV: schema, loading, validation, writing
    addresses, config, memory
"""
