"""HTTP for every page: what the server adds around the pages' own answers.

`http_policy` sets the security headers; `compression` compresses answers,
after `caching` has set how long they are kept and their ETags, and keeps the
compressed bodies in `compressed_cache`; `page_asks` is what a page that is not
Dash's asks of these hooks (its inline scripts' hashes, to be compressed once).
`request_guard` turns bad requests into short plain 4xx answers
(`plain_answers`), with `callback_bodies` checking what is posted to Dash's
callbacks; `hosts` and `proxies` decide which hosts and clients to trust;
`shared_builds` keeps files built once per data version for every worker, in
the folder on disk it shares with the compressed bodies (`cache_folder`).
"""
