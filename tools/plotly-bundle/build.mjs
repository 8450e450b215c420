// Bundles index.js (plotly.js core + scatter) into ../../assets/vendor/ with
// plotly.js's licence header, copies plotly.js's MIT licence beside it, writes
// bundled-packages.txt (every npm package whose code is in the bundle, with its
// version) and refuses a bundle that needs eval or the Function constructor.
// Run through build.sh, which installs the pinned packages first.
import { build } from 'esbuild';
import { copyFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const plotlyDir = dirname(require.resolve('plotly.js/package.json'));
const version = JSON.parse(readFileSync(join(plotlyDir, 'package.json'), 'utf8')).version;
const vendor = join(here, '..', '..', 'assets', 'vendor');
const outfile = join(vendor, 'plotly-scatter.min.js');

// plotly.js's own header, taken from its distributed bundle so it is the same
// text (and year) on every rebuild of this version, with this bundle's name.
const distHeader = readFileSync(join(plotlyDir, 'dist', 'plotly.min.js'), 'utf8');
const header = distHeader.slice(0, distHeader.indexOf('*/') + 2)
  .replace(/^\/\*\*\n\* plotly\.js v\S+/, `/**\n* plotly.js (core + scatter - minified) v${version}`);
if (!header.includes(`v${version}`) || !header.includes('MIT license')) {
  throw new Error(`unexpected licence header in plotly.js's dist/plotly.min.js:\n${header}`);
}

// Patches to plotly.js's sources, each what an upstream fix does or would do.
// The build fails if a patched source no longer reads as expected, so an
// upgrade cannot drop a patch silently: drop it once plotly.js does the same.
const PATCHES = [
  {
    // plotly.js 4 parses a colour string with culori several times for every
    // mark it styles, on every redraw: most of a filter's redraw at 10,000
    // events. Upstream: plotly/plotly.js#8054, PR #8055. A parsed colour and
    // its rgb() string are kept per specifier (a chart has a handful).
    name: 'memoize-colour-parsing',
    module: /plotly\.js[\\/]src[\\/]components[\\/]color[\\/]index\.js$/,
    replacements: [
      ['const parse = (cstr, silent) => {\n    const c = toColor(cstr);',
       `// Memoized (timeline's build, see tools/plotly-bundle/build.mjs): a copy per
// call, since callers may change what they get.
const parsedColors = new Map();
const toColorMemo = (cstr) => {
    if (typeof cstr !== 'string') return toColor(cstr);
    if (!parsedColors.has(cstr)) {
        if (parsedColors.size > 1000) parsedColors.clear();
        parsedColors.set(cstr, toColor(cstr));
    }
    const c = parsedColors.get(cstr);
    return c && { ...c };
};
const parse = (cstr, silent) => {
    const c = toColorMemo(cstr);`],
      ['const rgb = (cstr) => formatRgb({ ...parse(cstr), alpha: 1 });',
       `const rgbStrings = new Map();
const rgb = (cstr) => {
    if (typeof cstr !== 'string') return formatRgb({ ...parse(cstr), alpha: 1 });
    if (!rgbStrings.has(cstr)) {
        if (rgbStrings.size > 1000) rgbStrings.clear();
        rgbStrings.set(cstr, formatRgb({ ...parse(cstr), alpha: 1 }));
    }
    return rgbStrings.get(cstr);
};`],
    ],
  },
  {
    // A full redraw styles every scatter point and label twice: scatter's plot
    // (makePoints) styles each one it draws, then drawData's Plots.style does
    // it all again with the same arguments. drawData now says it has just
    // drawn them, and scatter's style skips points and labels then (it still
    // styles them for a style-only change, as in Plotly.restyle of a colour).
    name: 'style-points-once',
    module: /plotly\.js[\\/]src[\\/]plot_api[\\/]subroutines\.js$/,
    replacements: [
      ['    exports.redrawReglTraces(gd);\n\n    // styling separate from drawing\n    Plots.style(gd);\n',
       `    exports.redrawReglTraces(gd);

    // styling separate from drawing; the scatter points just drawn are styled
    // (timeline's build, see tools/plotly-bundle/build.mjs)
    fullLayout._scatterPointsStyled = true;
    try {
        Plots.style(gd);
    } finally {
        fullLayout._scatterPointsStyled = false;
    }
`],
    ],
  },
  {
    name: 'style-points-once',
    module: /plotly\.js[\\/]src[\\/]traces[\\/]scatter[\\/]style\.js$/,
    replacements: [
      ["    s.selectAll('g.points').each(function(d) {",
       `    // Just drawn and styled by plot (timeline's build, see tools/plotly-bundle/build.mjs)
    var justDrawn = gd._fullLayout._scatterPointsStyled;

    if(!justDrawn) s.selectAll('g.points').each(function(d) {`],
      ["    s.selectAll('g.text').each(function(d) {",
       "    if(!justDrawn) s.selectAll('g.text').each(function(d) {"],
    ],
  },
  {
    // A shape's extent only matters to an axis that is autoranged, yet every
    // redraw parses each shape's whole path (and each date in it) to work it
    // out: half a filter's redraw when the embed draws thousands of marks as
    // path shapes (figure-packing.js). A fixed axis now skips it. A reset to
    // autorange (Plotly.relayout, which does not recalculate) then fits the
    // traces alone; the embed answers a reset by drawing its own range again.
    name: 'shape-extremes-for-autorange-only',
    module: /plotly\.js[\\/]src[\\/]components[\\/]shapes[\\/]calc_autorange\.js$/,
    replacements: [
      ["            ax = Axes.getFromId(gd, shape.xref);\n            bounds = shapeBounds(ax, shape, constants.paramIsX);",
       "            ax = Axes.getFromId(gd, shape.xref);\n            // Fixed axes skip it (timeline's build, see tools/plotly-bundle/build.mjs)\n            bounds = ax.autorange ? shapeBounds(ax, shape, constants.paramIsX) : null;"],
      ["            ax = Axes.getFromId(gd, shape.yref);\n            bounds = shapeBounds(ax, shape, constants.paramIsY);",
       "            ax = Axes.getFromId(gd, shape.yref);\n            bounds = ax.autorange ? shapeBounds(ax, shape, constants.paramIsY) : null;"],
    ],
  },
  {
    // A date axis reads a number (or a string of digits no date has) as ms
    // since 1970, but in the browser's time zone: each one goes through a JS
    // Date and is moved by its offset. The page's dates are UTC ms
    // (figure-packing.js dateMs) and its ranges UTC dates, so in Los Angeles
    // every mark sat 7 hours before its day; and the Date per number was a
    // third of a zoom's redraw at 10,000 events (each dot of a path shape is
    // one). Such numbers are now UTC ms as they are, as `msUTC` already does
    // for bars; bare years (2007, "2007") still read as years.
    name: 'numbers-on-date-axes-are-utc-ms',
    module: /plotly\.js[\\/]src[\\/]plots[\\/]cartesian[\\/]set_convert\.js$/,
    replacements: [
      ['    function dt2ms(v, _, calendar, opts) {\n',
       `    // No date reads as five or more digits alone (timeline's build, see
    // tools/plotly-bundle/build.mjs).
    var MS_DIGITS = /^-?\\d{5,16}(\\.\\d+)?$/;
    function dt2ms(v, _, calendar, opts) {
        if(typeof v === 'number' ? Math.abs(v) >= 1e5 : (typeof v === 'string' && MS_DIGITS.test(v))) {
            v = +v;
            return (v >= Lib.MIN_MS && v <= Lib.MAX_MS) ? v : BADNUM;
        }
`],
    ],
  },
  {
    // A path shape's every point goes through two nested regular-expression
    // replaces with a closure per number, on every redraw: the embed draws
    // its dots as path shapes of thousands of "Mx,yZ" points
    // (figure-packing.js), and this was a quarter of a zoom's redraw. A path
    // of only moves, lines and closes in data coordinates is now read in one
    // loop, to the same string; any other path goes the general way.
    name: 'plain-paths-read-in-one-loop',
    module: /plotly\.js[\\/]src[\\/]components[\\/]shapes[\\/]helpers\.js$/,
    replacements: [
      ['    var xVertexIndex = 0;\n    var yVertexIndex = 0;\n\n    return pathIn.replace(constants.segmentRE, function(segment) {',
       `    var xVertexIndex = 0;
    var yVertexIndex = 0;

    // timeline's build, see tools/plotly-bundle/build.mjs
    if(!isArrayXref && !isArrayYref && xSizemode !== 'pixel' && ySizemode !== 'pixel' &&
            PLAIN_PATH.test(pathIn)) {
        var plain = '';
        var point;
        PLAIN_SEGMENT.lastIndex = 0;
        while((point = PLAIN_SEGMENT.exec(pathIn))) {
            plain += point[4] ? 'Z' : point[1] + x2p(point[2]) + ',' + y2p(point[3]);
        }
        return plain;
    }

    return pathIn.replace(constants.segmentRE, function(segment) {`],
      ['function convertPath(options, x2p, y2p) {',
       `// Moves, lines and closes, each point "x,y" of plain numbers (timeline's build).
var PLAIN_NUMBER = '-?\\\\d+(?:\\\\.\\\\d+)?(?:e[-+]?\\\\d+)?';
var PLAIN_PATH = new RegExp('^(?:[ML]' + PLAIN_NUMBER + ',' + PLAIN_NUMBER + '|Z)*$');
var PLAIN_SEGMENT = new RegExp('([ML])(' + PLAIN_NUMBER + '),(' + PLAIN_NUMBER + ')|(Z)', 'g');

function convertPath(options, x2p, y2p) {`],
    ],
  },
  {
    // A zoom or a pan is Plotly's relayout: it redraws the old marks at the
    // new range, and then the page, told by plotly_relayout, draws the marks
    // for that range (density.js) with Plotly.react: two full redraws, the
    // first thrown away, about 40% of a zoom at 10,000 events. A graph may
    // now take a relayout over (its takeRelayout(update) returns a promise
    // for the graph, or nothing to let Plotly do it): the engine answers a
    // change of time range alone with its one Plotly.react.
    name: 'a-page-may-take-a-relayout',
    module: /plotly\.js[\\/]src[\\/]plot_api[\\/]plot_api\.js$/,
    replacements: [
      ["        Lib.warn('Relayout fail.', astr, val);\n        return Promise.reject();\n    }\n",
       `        Lib.warn('Relayout fail.', astr, val);
        return Promise.reject();
    }

    // timeline's build, see tools/plotly-bundle/build.mjs
    if(typeof gd.takeRelayout === 'function') {
        var taken = gd.takeRelayout(aobj);
        if(taken) return taken;
    }
`],
    ],
  },
];
const patchedModules = new Set();
const patchSources = {
  name: 'patch-plotly-sources',
  setup(build) {
    for (const { name, module, replacements } of PATCHES) {
      build.onLoad({ filter: module }, ({ path }) => {
        let source = readFileSync(path, 'utf8');
        for (const [before, after] of replacements) {
          if (source.split(before).length !== 2) {
            throw new Error(`${path} has changed: the ${name} patch no longer applies ` +
              '(drop it if plotly.js now does the same itself, else update it)');
          }
          source = source.replace(before, () => after);  // as written: no $ patterns
        }
        patchedModules.add(module);
        return { contents: source, loader: 'js' };
      });
    }
  },
};

// The same settings as plotly.js's own esbuild-config.js, less the plugins
// that only the WebGL and map traces need.
const result = await build({
  entryPoints: [join(here, 'index.js')],
  outfile,
  bundle: true,
  minify: true,
  format: 'iife',
  globalName: 'Plotly',
  target: 'es2016',
  platform: 'browser',
  define: { global: 'window', 'define.amd': 'false', 'process.env.NODE_DEBUG': 'false' },
  // plotly.js's src/registry.js requires maplibre-gl's stylesheet for the map
  // traces, which are not here: it bundles to nothing.
  loader: { '.css': 'empty' },
  banner: { js: header },
  legalComments: 'eof',
  metafile: true,
  logLevel: 'warning',
  plugins: [patchSources],
});

for (const { name, module } of PATCHES) {
  if (!patchedModules.has(module)) throw new Error(`the ${name} patch found no ${module} to patch`);
}

copyFileSync(join(plotlyDir, 'LICENSE'), join(vendor, 'PLOTLY-LICENSE.txt'));

// Which packages (and versions) ended up in the bundle: the record that a
// rebuild reproduced the same code, since no lock file is kept.
const packages = new Map();
const [output] = Object.values(result.metafile.outputs);
for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
  const dirs = input.match(/^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//);
  if (!dirs || bytesInOutput === 0 || input.endsWith('.css')) continue;
  packages.set(dirs[2], join(here, dirs[1]));
}
const names = [...packages.keys()].sort();
const described = names.map((name) => {
  const dir = packages.get(name);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const licenceFile = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  const text = licenceFile ? readFileSync(join(dir, licenceFile), 'utf8').trim()
    : `(the package ships no licence file; its package.json says: ${pkg.license})`;
  return { line: `${name}@${pkg.version} (${pkg.license || 'no licence field'})`, text };
});
writeFileSync(join(here, 'bundled-packages.txt'),
  '# npm packages whose code is in assets/vendor/plotly-scatter.min.js (written by build.mjs)\n' +
  described.map((d) => d.line).join('\n') + '\n');
// Several of them (d3's BSD-3-Clause among them) ask for their notice to travel with the code.
writeFileSync(join(vendor, 'plotly-scatter.licenses.txt'),
  'Licences of the code bundled in plotly-scatter.min.js (plotly.js core + scatter),\n' +
  'written by tools/plotly-bundle/build.mjs.\n' +
  described.map((d) => `\n${'='.repeat(72)}\n${d.line}\n${'='.repeat(72)}\n\n${d.text}\n`).join(''));

const code = readFileSync(outfile, 'utf8');
const dynamic = code.match(/\beval\s*\(|new Function\b|\bFunction\s*\(/g);
if (dynamic) {
  throw new Error(`the bundle evaluates code (${[...new Set(dynamic)].join(', ')}): ` +
    'it would need unsafe-eval under a Content-Security-Policy');
}
console.log(`${relative(process.cwd(), outfile)}: ${statSync(outfile).size} bytes, ` +
  `plotly.js v${version}, no eval or Function constructor`);
