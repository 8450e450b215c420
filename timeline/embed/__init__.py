"""The light embed, `/embed`, and what an article needs around it.

`page` serves the embed's page (the engine serves its files); `static_export`
writes the same as static files; `oembed` serves `/embed.js` and `/oembed`;
`snippets` writes the HTML an editor pastes into an article. Its scripts of its
own are in `web/` (the engine's are in timeline/engine/web/).
"""
