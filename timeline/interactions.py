"""How each thing a reader does changes the view: pure functions the callbacks call.

The controls are a projection of the view state; `CONTROLS` is the one table
that ties each control's property to its view field, in callback order.
"""
from __future__ import annotations

from datetime import date

from timeline.view_state import LANE_MODES, ViewState, clean_value

# (component id, property, ViewState field)
CONTROLS: tuple[tuple[str, str, str], ...] = (
    ("search", "value", "query"),
    ("actor-filter", "value", "actors"),
    ("category-filter", "value", "categories"),
    ("certainty-filter", "value", "certainties"),
    ("date-filter", "start_date", "date_from"),
    ("date-filter", "end_date", "date_to"),
    ("lane-switch", "value", "lanes"),
)


def parse_day(value) -> date | None:
    """A day from a control or a Plotly range ('2023-09-13', '2023-09-13 05:12:33.1')."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def control_value(view: ViewState, field: str):
    """What a control shows for `view`: lists for multi-selects, ISO text for days."""
    value = getattr(view, field)
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def apply_control(view: ViewState, field: str, value) -> ViewState:
    """The view after a reader changes one control."""
    if field in ("actors", "categories", "certainties"):
        chosen = value if isinstance(value, list) else ([value] if value else [])
        return view.with_changes(**{field: tuple(dict.fromkeys(str(v) for v in chosen if v))})
    if field in ("date_from", "date_to"):
        return view.with_changes(**{field: parse_day(value)})
    if field == "lanes":
        return view.with_changes(lanes=value if value in LANE_MODES else "category")
    if field == "query":
        return view.with_changes(query=clean_value(value or ""))
    raise ValueError(f"no control sets {field!r}")


def apply_click(view: ViewState, click_data) -> ViewState:
    """The view after a click on the chart: the clicked event is selected."""
    try:
        event_id = click_data["points"][0]["customdata"][0]
    except (TypeError, KeyError, IndexError):
        return view
    return view.with_changes(event=event_id) if isinstance(event_id, str) else view


def apply_relayout(view: ViewState, relayout) -> ViewState:
    """The view after a zoom or pan: the visible window, or none after a reset."""
    if not isinstance(relayout, dict):
        return view
    if relayout.get("xaxis.autorange"):
        return view.with_changes(window=None)
    bounds = relayout.get("xaxis.range") or [relayout.get("xaxis.range[0]"),
                                             relayout.get("xaxis.range[1]")]
    if not isinstance(bounds, list) or len(bounds) != 2:
        return view
    first, last = parse_day(bounds[0]), parse_day(bounds[1])
    if first is None or last is None or last <= first:
        return view
    return view.with_changes(window=(first, last))


def next_view(search: str | None, trigger: str, control_values: list, click, zoom) -> ViewState:
    """The view after `trigger` (a Dash 'component.prop') fired.

    A change of URL (a link, back/forward, the first load) is taken as it is.
    Anything else starts from the controls, not the URL, for the filters: they
    hold what the reader chose, and the URL may not yet show a change still on
    its way to the server, which must not be undone.
    """
    view = ViewState.from_query_string(search)
    if trigger == "url.search":
        return view
    for (_, _, field), value in zip(CONTROLS, control_values):
        view = apply_control(view, field, value)
    if trigger == "timeline-graph.clickData":
        return apply_click(view, click)
    if trigger == "zoom-change.data":
        return apply_relayout(view, zoom)
    if trigger == "reset.n_clicks":
        return view.cleared()
    return view
