"""Category colours: one colour per category on the chart, in the legend, in every view.

Computed once over the whole timeline (see `transforms.prepare_events`), so a
filter that hides some categories never changes the colour of the others.
"""
from __future__ import annotations

from timeline.data.schema import CATEGORIES

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C6D1F",
           "#000000")


def category_colours(categories: list[str]) -> dict[str, str]:
    """Colours keyed by category, stable: the contract's categories keep theirs.

    Other categories follow in name order; a timeline with categories of its
    own (and none of the contract's) starts the palette with them.
    """
    known = list(CATEGORIES)
    others = sorted(set(categories) - set(known))
    ordered = known + others if set(categories) & set(known) else others
    return {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(ordered)}
