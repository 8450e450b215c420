"""The CSV file, from bytes to a checked table and back.

`schema` is the one definition of the columns; `loading` reads a file as editors
save it (encodings, separators, TimelineJS sheets through `timelinejs`) and
`validation` checks it, both reporting through `report`; `dates` reads partial
dates; `csv_writing` writes rows back; `history` keeps every replaced version;
`interchange` converts whole files to and from TimelineJS; `synth` makes
synthetic timelines for benchmarks. Text helpers: `text_folding`, `markup`,
`html_text`. Nothing here knows about pages or HTTP.
"""
