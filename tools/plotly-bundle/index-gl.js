'use strict';
// The second bundle, for big timelines: index.js's plotly.js (core + scatter)
// plus the WebGL scatter trace, which timeline/figure.py uses for a big
// timeline's unlabelled marks and bars (`webgl=True`).
//
// Strict, as plotly.js's lib/index-strict.js: scattergl comes from its `strict`
// module, whose regl shaders are precompiled (src/traces/scattergl/
// regl_precompiled.js), not from lib/scattergl, which has regl generate them
// with the Function constructor. regl keeps that generator as a fallback
// (`Function.apply`) for a shader missing from the precompiled set: plotly.js's
// set covers every scattergl shader, and tests/test_plotly_bundle.py draws a
// scattergl trace under a Content-Security-Policy without 'unsafe-eval'.
var Plotly = require('./index.js');

Plotly.register([require('plotly.js/src/traces/scattergl/strict')]);

module.exports = Plotly;
