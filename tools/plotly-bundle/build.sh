#!/usr/bin/env bash
# Rebuilds assets/vendor/plotly-scatter.min.js, the plotly.js the page loads
# (core + scatter only), from the exact versions pinned in package.json.
# Needs Node and npm, and only to rebuild: the built bundle is committed, so
# `make run` needs no Node. Rebuild after upgrading plotly (Python), with
# package.json's plotly.js pinned to the version its plotly.min.js carries;
# tests/test_plotly_bundle.py fails until the two agree.
set -euo pipefail
cd "$(dirname "$0")"
npm install --no-package-lock --no-audit --no-fund
node build.mjs
