#!/usr/bin/env node
/**
 * prepack/postpack of the packages that depend on others of the workspace (cli, backend-onnx): `npm pack` does not rewrite pnpm's `workspace:*` ranges, so a
 * tarball packed with plain npm would depend on "workspace:*" and fail to install. `prepack` replaces
 * each workspace range with the version of the workspace package it names (keeping the original in
 * package.json.workspace) and `postpack` puts it back. It runs under `pnpm pack` too (which would
 * rewrite the ranges itself, so the result is the same): guessing the packer from inherited environment
 * variables misfired when npm was started from a pnpm-run process. Not a release tool.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [phase] = process.argv.slice(2);
const pkgDir = process.cwd();
const manifestPath = join(pkgDir, 'package.json');
const backup = `${manifestPath}.workspace`;

if (phase === 'prepack') {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  let changed = false;
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      if (typeof range !== 'string' || !range.startsWith('workspace:')) continue;
      const dir = join(pkgDir, '..', name.split('/').pop());
      const version = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
      const wanted = range.slice('workspace:'.length);
      manifest[field][name] = wanted === '*' || wanted === '' ? version : wanted === '^' || wanted === '~' ? `${wanted}${version}` : wanted;
      changed = true;
    }
  }
  if (changed) {
    writeFileSync(backup, readFileSync(manifestPath));
    writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  }
} else if (phase === 'postpack' && existsSync(backup)) {
  renameSync(backup, manifestPath);
}
