#!/usr/bin/env node
// After `tsc -p tsconfig.build.json`: rewrites require("@hitl/...") in dist/ to relative paths,
// using the `paths` of tsconfig.base.json, so compiled services run on plain Node (and in
// containers) without a path-mapping hook. Deterministic, no dependencies.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
const { paths } = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8')).compilerOptions;
const aliases = new Map(
  Object.entries(paths).map(([alias, [target]]) => [alias, path.join(dist, target.replace(/\.ts$/, '.js'))]),
);

function* jsFiles(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* jsFiles(full);
    else if (entry.name.endsWith('.js')) yield full;
  }
}

let rewritten = 0;
const unknown = new Set();
for (const file of jsFiles(dist)) {
  const source = fs.readFileSync(file, 'utf8');
  const next = source.replace(/require\("(@hitl\/[^"]+)"\)/g, (match, alias) => {
    const target = aliases.get(alias);
    if (!target) {
      unknown.add(`${alias} (in ${path.relative(root, file)})`);
      return match;
    }
    let relative = path.relative(path.dirname(file), target).split(path.sep).join('/');
    if (!relative.startsWith('.')) relative = `./${relative}`;
    return `require("${relative}")`;
  });
  if (next !== source) {
    fs.writeFileSync(file, next);
    rewritten++;
  }
}
if (unknown.size > 0) {
  console.error(`rewrite-aliases: no tsconfig path for ${[...unknown].join(', ')}`);
  process.exit(1);
}
console.log(`rewrite-aliases: ${rewritten} file(s) rewritten`);
