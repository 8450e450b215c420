"""The editor, `/edit/`: the data's table, checked as an editor types, saved safely.

`routes` opens the doors (closed without a secret) and builds the editor's Dash
app; `access` and `sessions` decide who may edit; `page` lays the editor out and
`callbacks` wires it; `rows` turns file bytes into grid rows and back; `saving`
saves a version (never over someone else's); `diffing` says what changed. Its
style sheet and scripts are in `web/`.
"""
