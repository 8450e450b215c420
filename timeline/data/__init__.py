"""The CSV file, from bytes to a checked table and back.

`schema` is the one definition of the columns; `loading` reads a file as editors
save it (encodings, separators) into a `table` of records, has a TimelineJS sheet
converted whole by `timelinejs`, and `validation` checks it (the checks are in
`checks`: `text`, `header`, `row_rules`, `mixed_scripts`, `whole_file`, `dialect`,
and for speed `columns` and `quick_pass`), all reporting through `report`; `dates`
reads partial dates; `csv_writing` writes rows back; `history` keeps every
replaced version; `interchange` converts whole files to and from TimelineJS;
`synth` makes synthetic timelines for benchmarks. Text helpers: `text_folding`,
`markup`, `html_text`. Nothing here knows about pages or HTTP.
"""
