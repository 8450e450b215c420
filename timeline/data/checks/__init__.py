"""The checks `validation.validate` runs, one idea to a module.

`text` (values cleaned, quoted, compared by spelling), `header` (column names as
editors write them), `row_rules` (one row's rules and every message), `mixed_scripts`
(look-alike letters from another alphabet), `whole_file` (what no row shows alone:
ids used twice, actors spelt two ways, the file's categories), `dialect` (how
another format, TimelineJS, bends the rules); and for speed, `columns` (whole
columns, each distinct value worked out once) and `quick_pass` (the row rules
over whole columns, to find the rows worth reading one by one).
"""
