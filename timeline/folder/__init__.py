"""A newsroom's timelines from one deployment: a folder of CSVs, one timeline each.

`catalogue` knows the folder's timelines and sums each up for the index; `site`
serves them, every one at /t/<slug>/ (with `events.csv` also at / as before),
each timeline's own app built on its first request and dropped when unused;
`index_page` is the readers' list at /t/.
"""
