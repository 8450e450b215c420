"""The explorer, `/`: Dash's filters around the engine's chart, list and card.

`layout` draws the page (its HTML around Dash's entry point is web/explorer.html)
and lists its scripts; `callbacks` wires Dash's controls to the engine in the
browser (web/timeline-explorer.js). No callback runs on the server.
"""
