"""What a merged save shows: what came in from the other editors, or the fields
both changed, side by side, each with a choice.

The choices are a group of two radio buttons per field (a dcc.RadioItems each,
`edit-merge-choice-N` for the Nth clash of `edit-merge-clashes`); editor.js reads
the checked ones when "Save with these choices" is pressed (readChoices), and
takes off the listbox roles Dash 4 puts on them, which axe refuses, leaving
native radio buttons in a fieldset.
"""
from __future__ import annotations

from dash import dcc, html

from timeline.editor.merging import ROW, Clash, Side
from timeline.editor.saving import Clashes, Merged

SAVE_CHOICES = "edit-merge-save"     # the button
CHOICE_PREFIX = "edit-merge-choice-"  # + the clash's number: its radio buttons
CLASHES = "edit-merge-clashes"        # the clashes' idents, in order (a store)
CHOICES_NOTE = "edit-merge-note"      # says when a field has no choice yet


def _people(names: tuple[str, ...]) -> str:
    if not names:
        return "someone else"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def merged_view(outcome: Merged, diff_view) -> html.Div:
    """After a merged save: what the others changed, now in the table too."""
    who = _people(outcome.others)
    if outcome.merged_in.empty:
        return html.Div(html.P(f"{who} saved since you opened the page; what was saved is "
                               "what your table shows."), className="merged")
    return html.Div([
        html.H2(f"Saved together with {who}'s changes"),
        html.P(f"{who} saved since you opened the page. No field was changed by both of "
               f"you, so their changes were merged in and are now in your table too: "
               f"{outcome.merged_in.headline()}."),
        diff_view(outcome.merged_in, "your table", "saved"),
    ], className="merged")


def _shown(clash: Clash, side: Side) -> str:
    value = clash.value(side)
    if clash.column == ROW:
        if value is None:
            return "Delete the event"
        fields = ", ".join(clash.changed)
        return f"Keep the event, with the changes to {fields}"
    if value is None:
        return "(the column removed)"
    return value if value != "" else "(empty)"


def _legend(clash: Clash) -> str:
    title = f" ({clash.title})" if clash.title else ""
    if clash.column == ROW:
        return f"{clash.key}{title}: deleted on one side, changed on the other"
    return f"{clash.key}{title}: {clash.column}"


def clashes_view(outcome: Clashes) -> html.Div:
    """Not saved yet: a choice per field both sides changed differently."""
    who = _people(outcome.others)
    count = len(outcome.clashes)
    fields = "field" if count == 1 else "fields"
    choices = []
    for number, clash in enumerate(outcome.clashes):
        options = [{"label": html.Span([html.Span(heading, className="merge-side"),
                                        html.Span(_shown(clash, side), className="merge-value")]),
                    "value": side}
                   for side, heading in (("theirs", f"{who}'s"), ("mine", "Yours"))]
        sides = [dcc.RadioItems(id=f"{CHOICE_PREFIX}{number}", options=options, value=None,
                                className="merge-options")]
        if clash.column != ROW and clash.base is not None:
            base = clash.base if clash.base != "" else "(empty)"
            sides.append(html.P(["Before either change: ", html.Span(base, className="merge-value")],
                                className="merge-base"))
        choices.append(html.Fieldset([html.Legend(_legend(clash)),
                                      html.Div(sides, className="merge-sides")],
                                     className="merge-choice"))
    return html.Div([
        html.H2(f"Not saved yet: {who} changed the same {fields}"),
        html.P(f"{who} saved since you opened the page. Their other changes and yours merge "
               f"without trouble, but {count} {fields} changed on both sides. Pick the value "
               f"to keep for each, then save. Nothing is saved until you do."),
        dcc.Store(id=CLASHES, data=[clash.ident for clash in outcome.clashes]),
        *choices,
        html.P(id=CHOICES_NOTE, className="error", role="status"),
        html.Div([
            html.Button("Save with these choices", id=SAVE_CHOICES, n_clicks=0, type="button",
                        className="primary"),
            html.Button("Download my version", id="edit-download-mine-button", n_clicks=0,
                        type="button"),
        ], className="toolbar"),
    ], className="conflict", role="region", **{"aria-label": "Fields to choose"})


def merged_in_words(outcome: Merged) -> str:
    """The status line after a merged save."""
    who = _people(outcome.others)
    mine = outcome.diff.headline() if not outcome.diff.empty else "nothing new"
    if outcome.merged_in.empty:
        return (f"Saved version {outcome.version}, merged with {who}'s changes: yours ({mine}); "
                "your table already held all of theirs that was kept.")
    return (f"Saved version {outcome.version}, merged with {who}'s changes: yours "
            f"({mine}) and theirs ({outcome.merged_in.headline()}). Readers see it within "
            "two seconds.")

