#!/usr/bin/env node
// @ts-check
/**
 * `node scripts/check-native.cjs`: silent when hnswlib-node's native addon loads. Otherwise ends with one line naming
 * what its build needs and is missing (python3, make, a C++ compiler, Node's headers), and exits 1.
 * Plain CommonJS with no dependencies, so it also runs after a failed `npm ci` left node_modules incomplete.
 */
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { homedir } = require('node:os');
const { join } = require('node:path');

const REBUILD = 'then run: npm rebuild hnswlib-node';

function loadError() {
  try {
    require('hnswlib-node');
    return undefined;
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

/** @param {string[]} candidates */
function firstRunnable(candidates) {
  return candidates.find((cmd) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0);
}

/** node-gyp uses npm's nodedir when set, else headers it downloaded before, else it downloads them now. */
function hasNodeHeaders() {
  const nodedir = process.env.npm_config_nodedir || npmConfig('nodedir');
  if (nodedir && existsSync(join(nodedir, 'include', 'node', 'node.h'))) return true;
  const version = process.versions.node;
  const caches = [process.env.npm_config_devdir, join(homedir(), '.cache', 'node-gyp'), join(homedir(), '.node-gyp')];
  return caches.some((dir) => dir && existsSync(join(dir, version, 'include', 'node', 'node.h')));
}

/** @param {string} key */
function npmConfig(key) {
  const out = spawnSync('npm', ['config', 'get', key], { encoding: 'utf8' });
  const value = out.status === 0 ? out.stdout.trim() : '';
  return value && value !== 'undefined' && value !== 'null' ? value : undefined;
}

function missingTools() {
  const missing = [];
  const python = [process.env.npm_config_python, process.env.PYTHON, 'python3'].filter(
    (c) => typeof c === 'string' && c,
  );
  if (!firstRunnable(/** @type {string[]} */ (python))) missing.push('python3');
  if (!firstRunnable(['make'])) missing.push('make');
  const cxx = [process.env.CXX, 'g++', 'c++', 'clang++'].filter((c) => typeof c === 'string' && c);
  if (!firstRunnable(/** @type {string[]} */ (cxx))) missing.push('a C++ compiler (g++)');
  if (!hasNodeHeaders()) {
    missing.push(
      `Node ${process.versions.node} headers (node-gyp downloads them from nodejs.org unless npm's nodedir points at local ones)`,
    );
  }
  return missing;
}

const err = loadError();
if (err) {
  const code = /** @type {{ code?: string }} */ (err).code;
  const firstLine = err.message.split('\n')[0];
  const missing = missingTools();
  if (/NODE_MODULE_VERSION|different Node\.js version/.test(err.message)) {
    console.error(`hnswlib-node was built for another Node.js version (now ${process.version}): ${REBUILD}`);
  } else if (code === 'MODULE_NOT_FOUND' && /'hnswlib-node'/.test(firstLine)) {
    const needs = missing.length ? `; its native build needs what is missing here: ${missing.join(', ')}` : '';
    console.error(`hnswlib-node is not installed (npm ci did not complete)${needs}`);
  } else if (missing.length) {
    console.error(
      `hnswlib-node's native addon is not built; its build needs what is missing here: ${missing.join(', ')}; install them, ${REBUILD}`,
    );
  } else {
    console.error(`hnswlib-node's native addon does not load (${firstLine}); ${REBUILD} and read its output`);
  }
  process.exit(1);
}
