'use strict';
// The plotly.js the timeline needs and no more: plotly.js's core (plot API,
// cartesian axes including dates, shapes, annotations, hover labels, the mode
// bar, the en/en-US locales) and the scatter trace (markers, lines, text).
// timeline/view/figure.py draws only go.Scatter traces; a figure that starts using
// another trace type must register it here and be rebuilt (see build.sh).
//
// Strict (no eval, no `new Function`): plotly.js's lib/index-strict.js differs
// from lib/index.js only in taking the WebGL traces (scattergl, splom,
// parcoords, scatterpolargl) from their `strict` modules with precompiled
// shaders. None of those is here, so core + scatter is already strict; build.mjs
// fails the build if the output ever contains eval( or new Function / Function(.
var Plotly = require('plotly.js/lib/core');

// Core registers scatter itself today; naming it keeps the bundle right if
// that ever changes (plotly.js's CUSTOM_BUNDLE.md recommends it).
Plotly.register([require('plotly.js/lib/scatter')]);

module.exports = Plotly;
