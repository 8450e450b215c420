"""HTTP for every page: what the server adds around the pages' own answers.

`http_policy` sets the security headers; `compression` compresses and caches
answers; `request_guard` turns bad requests into short plain 4xx answers;
`hosts` and `proxies` decide which hosts and clients to trust; `shared_builds`
keeps files built once per data version for every worker.
"""
