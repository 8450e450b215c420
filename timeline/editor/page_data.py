"""What the editor page's stores and table hold, as the request guard checks them
before a callback runs (timeline/serving/callback_bodies.py reads the callbacks'
annotations): shared by `callbacks` and `incoming_callbacks`."""
from __future__ import annotations

from typing import Literal

from typing_extensions import TypedDict  # pydantic reads these on Python < 3.12

from timeline.editor.rows import ROW_KEY

# Only the separators and line ends the loader reads: the CSV writer fails on
# any other delimiter (',,' or ''), which was a 500.
Delimiter = Literal[",", ";", "\t"]
LineEnding = Literal["\n", "\r\n", "\r"]
FormatData = TypedDict("FormatData", {"columns": list[str], "delimiter": Delimiter,
                                      "line_ending": LineEnding, "byte_order_mark": bool})
GridRow = TypedDict("GridRow", {ROW_KEY: str})
GridRows = list[GridRow]
UploadMode = Literal["merge", "replace"]
GridPaste = TypedDict("GridPaste", {"text": str, "at": float})  # cells pasted on the table
