/**
 * The popup starts a web engine each time it opens, and every module it
 * loads is a request to the app: index.html names them all for preloading,
 * so that they are fetched at once rather than one level of imports after
 * another. This keeps that list whole as modules come and go.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const UI = new URL('../../ui/', import.meta.url);
const read = (name) => readFileSync(new URL(name, UI), 'utf8');

/** The modules a module imports, by file name. */
const importsOf = (name) => [...read(name).matchAll(/^import\s[^;]*?from\s+'\.\/([\w-]+\.js)';/gm)].map((m) => m[1]);

test('index.html preloads every module the popup imports, and nothing else', () => {
  const html = read('index.html');
  const entry = html.match(/<script type="module" src="([\w-]+\.js)"><\/script>/)?.[1];
  assert.equal(entry, 'popup.js');

  const reachable = new Set();
  const queue = [...importsOf(entry)];
  while (queue.length > 0) {
    const name = queue.shift();
    if (reachable.has(name)) continue;
    reachable.add(name);
    queue.push(...importsOf(name));
  }
  const preloaded = [...html.matchAll(/<link rel="modulepreload" href="([\w-]+\.js)">/g)].map((m) => m[1]);

  assert.ok(reachable.size >= 5, `found the imports of popup.js: ${[...reachable].join(', ')}`);
  assert.deepEqual(new Set(preloaded), reachable);
  assert.equal(preloaded.length, reachable.size, 'each module preloaded once');
});
