// Bundles index.js (plotly.js core + scatter) into ../../assets/vendor/ and
// index-gl.js (core + scatter + scattergl, for big timelines) into
// ../../timeline/web/vendor/ (not under assets/, whose every .js Dash loads
// into the explorer page), each with plotly.js's licence header, a copy of
// plotly.js's MIT licence and the licences of everything in it; writes
// bundled-packages.txt (every npm package whose code is in each bundle, with
// its version) and refuses a bundle that needs eval or the Function constructor.
// Run through build.sh, which installs the pinned packages first.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const require = createRequire(import.meta.url);
const plotlyDir = dirname(require.resolve('plotly.js/package.json'));
const version = JSON.parse(readFileSync(join(plotlyDir, 'package.json'), 'utf8')).version;

const bundles = [
  { entry: 'index.js', contents: 'core + scatter',
    outfile: join(root, 'assets', 'vendor', 'plotly-scatter.min.js') },
  { entry: 'index-gl.js', contents: 'core + scatter + scattergl',
    outfile: join(root, 'timeline', 'web', 'vendor', 'plotly-scattergl.min.js') },
];

// plotly.js's own header, taken from its distributed bundle so it is the same
// text (and year) on every rebuild of this version, with this bundle's name.
const distHeader = readFileSync(join(plotlyDir, 'dist', 'plotly.min.js'), 'utf8');
const header = (contents) => {
  const text = distHeader.slice(0, distHeader.indexOf('*/') + 2)
    .replace(/^\/\*\*\n\* plotly\.js v\S+/, `/**\n* plotly.js (${contents} - minified) v${version}`);
  if (!text.includes(`(${contents} - minified) v${version}`) || !text.includes('MIT license')) {
    throw new Error(`unexpected licence header in plotly.js's dist/plotly.min.js:\n${text}`);
  }
  return text;
};

const sections = [];
for (const { entry, contents, outfile } of bundles) {
  const vendor = dirname(outfile);
  const name = relative(vendor, outfile);
  mkdirSync(vendor, { recursive: true });

  // The same settings as plotly.js's own esbuild-config.js, less the plugins
  // that only the 3D and map traces need.
  const result = await build({
    entryPoints: [join(here, entry)],
    outfile,
    bundle: true,
    minify: true,
    format: 'iife',
    globalName: 'Plotly',
    target: 'es2016',
    platform: 'browser',
    define: { global: 'window', 'define.amd': 'false', 'process.env.NODE_DEBUG': 'false' },
    // As plotly.js does: gl-text asks for regl, which would bundle a second
    // copy beside the @plotly/regl that scattergl uses.
    alias: { regl: '@plotly/regl' },
    // plotly.js's src/registry.js requires maplibre-gl's stylesheet for the map
    // traces, which are not here: it bundles to nothing.
    loader: { '.css': 'empty' },
    banner: { js: header(contents) },
    legalComments: 'eof',
    metafile: true,
    logLevel: 'warning',
  });

  copyFileSync(join(plotlyDir, 'LICENSE'), join(vendor, 'PLOTLY-LICENSE.txt'));

  // Which packages (and versions) ended up in the bundle: the record that a
  // rebuild reproduced the same code, since no lock file is kept.
  // Keyed by name and version: a package can be in twice (scattergl's
  // svg-path-sdf nests an older parse-svg-path than plotly.js's own).
  const packages = new Map();
  const [output] = Object.values(result.metafile.outputs);
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const dirs = input.match(/^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//);
    if (!dirs || bytesInOutput === 0 || input.endsWith('.css')) continue;
    const dir = join(here, dirs[1]);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    packages.set(`${dirs[2]}@${pkg.version}`, { name: dirs[2], dir, pkg });
  }
  const described = [...packages.values()]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) ||
      a.pkg.version.localeCompare(b.pkg.version, 'en', { numeric: true }))
    .map(({ name: pkgName, dir, pkg }) => {
      const licenceFile = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
      const text = licenceFile ? readFileSync(join(dir, licenceFile), 'utf8').trim()
        : `(the package ships no licence file; its package.json says: ${pkg.license})`;
      return { line: `${pkgName}@${pkg.version} (${pkg.license || 'no licence field'})`, text };
    });
  sections.push(`# npm packages whose code is in ${relative(root, outfile)} (written by build.mjs)\n` +
    described.map((d) => d.line).join('\n') + '\n');
  // Several of them (d3's BSD-3-Clause among them) ask for their notice to travel with the code.
  writeFileSync(join(vendor, name.replace(/\.min\.js$/, '.licenses.txt')),
    `Licences of the code bundled in ${name} (plotly.js ${contents}),\n` +
    'written by tools/plotly-bundle/build.mjs.\n' +
    described.map((d) => `\n${'='.repeat(72)}\n${d.line}\n${'='.repeat(72)}\n\n${d.text}\n`).join(''));

  const code = readFileSync(outfile, 'utf8');
  const dynamic = code.match(/\beval\s*\(|new Function\b|\bFunction\s*\(/g);
  if (dynamic) {
    throw new Error(`${name} evaluates code (${[...new Set(dynamic)].join(', ')}): ` +
      'it would need unsafe-eval under a Content-Security-Policy');
  }
  console.log(`${relative(process.cwd(), outfile)}: ${statSync(outfile).size} bytes, ` +
    `plotly.js v${version} (${contents}), no eval or Function constructor`);
}
writeFileSync(join(here, 'bundled-packages.txt'), sections.join('\n'));
