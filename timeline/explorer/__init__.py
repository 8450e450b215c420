"""The explorer, `/`: the engine's filters, chart, list and card, in a page Dash serves.

`layout` draws the page (plain HTML around Dash's entry point: web/explorer.html)
and lists its scripts; the explorer's shell (web/timeline-explorer.js) adds its
own parts to the engine's. Dash draws nothing and registers no callback: nothing
runs on the server for a reader.
"""
