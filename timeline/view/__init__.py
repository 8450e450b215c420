"""What a view of the timeline shows, as pure functions of (events, view state).

`view_state` is the view (it reads and writes the URL's query); `transforms`
prepares, filters and orders events; `colours` gives categories their colours;
`figure` builds the Plotly figure; `chart_preview` draws it as SVG for the first
paint; `payload` packs events and figure as the JSON the browser's engine reads.
"""
