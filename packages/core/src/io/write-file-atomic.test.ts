/**
 * writeFileAtomic against a real kill: a child process writes a large file slowly through a stream
 * and is killed with SIGKILL mid-write; the target keeps its old bytes, the temporary file is left
 * (nothing can remove it at SIGKILL), and the next write in that directory sweeps it. Also: errors
 * remove the temporary file, bad paths are ValidationErrors, FIFOs and devices are refused on read.
 * The child runs the real module, transpiled from this source tree by TypeScript.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { readRegularFile } from './read-regular-file.js';
import { sweepStaleTemporaries, writeFileAtomic } from './write-file-atomic.js';

const SRC = fileURLToPath(new URL('../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'repurpose-atomic-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

/** The writer and what it imports, transpiled to plain ES modules the child can run. */
function childScript(): string {
  const dir = join(work, 'child');
  mkdirSync(join(dir, 'io'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
  for (const file of ['errors.ts', 'io/write-file-atomic.ts']) {
    const out = ts.transpileModule(readFileSync(join(SRC, file), 'utf8'), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
    writeFileSync(join(dir, file.replace(/\.ts$/, '.js')), out.outputText);
  }
  const main = join(dir, 'main.js');
  writeFileSync(
    main,
    `import { writeFileAtomic } from './io/write-file-atomic.js';
     async function* slow() { for (let i = 0; i < 100000; i++) { yield new Uint8Array(65536).fill(7); await new Promise((r) => setTimeout(r, 2)); } }
     await writeFileAtomic(process.argv[2], slow());`,
  );
  return main;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

const temporaries = (dir: string) => readdirSync(dir).filter((n) => n.includes('.repurpose-tmp-'));

describe('writeFileAtomic', () => {
  it('leaves the old file whole when the writer is SIGKILLed mid-write, and the next write sweeps the temporary', async () => {
    const dir = join(work, 'kill');
    mkdirSync(dir);
    const target = join(dir, 'law.json');
    writeFileSync(target, 'old');
    const child = spawn(process.execPath, [childScript(), target], { stdio: 'ignore' });
    children.push(child);
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await until(() => temporaries(dir).some((n) => statSync(join(dir, n)).size > 4 * 65536), 'the child to be mid-write');
    child.kill('SIGKILL');
    await exited;
    const left = temporaries(dir);
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(new RegExp(`^\\.law\\.json\\.repurpose-tmp-${child.pid}-[0-9a-f]+$`));
    expect(readFileSync(target, 'utf8')).toBe('old');

    await writeFileAtomic(target, 'new');
    expect(readFileSync(target, 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['law.json']);
  });

  it('keeps the temporaries of a live writer (ours) and removes its own on error', async () => {
    const dir = join(work, 'live');
    mkdirSync(dir);
    const ours = join(dir, `.x.repurpose-tmp-${process.pid}-abc123`);
    writeFileSync(ours, 'in progress');
    expect(await sweepStaleTemporaries(dir)).toEqual([]);
    async function* failing() {
      yield new Uint8Array(10);
      throw new Error('source failed');
    }
    await expect(writeFileAtomic(join(dir, 'y.bin'), failing())).rejects.toThrow('source failed');
    expect(readdirSync(dir).sort()).toEqual([`.x.repurpose-tmp-${process.pid}-abc123`]);
  });

  it('refuses bad paths and data with ValidationErrors naming them', async () => {
    await expect(writeFileAtomic(join(work, 'missing-dir', 'law.json'), 'x')).rejects.toThrow(/invalid path: expected a file in an existing directory/);
    await expect(writeFileAtomic(work, 'x')).rejects.toThrow(ValidationError);
    await expect(writeFileAtomic('', 'x')).rejects.toThrow(ValidationError);
    await expect(writeFileAtomic(join(work, 'a'), null as never)).rejects.toThrow(/invalid data/);
    await expect(writeFileAtomic(null as never, 'x')).rejects.toThrow(/invalid path/);
  });
});

describe('readRegularFile', () => {
  it('refuses a FIFO and a link to /dev/zero before reading, and directories', async () => {
    const fifo = join(work, 'model.fifo');
    execFileSync('mkfifo', [fifo]);
    await expect(readRegularFile(fifo)).rejects.toThrow(/regular file \(after following links it is a FIFO\)/);
    const zero = join(work, 'zero.safetensors');
    symlinkSync('/dev/zero', zero);
    await expect(readRegularFile(zero)).rejects.toThrow(/it is a device/);
    await expect(readRegularFile(work)).rejects.toThrow(/it is a directory/);
    await expect(readRegularFile(join(work, 'nope'))).rejects.toThrow(/ENOENT/);
  });

  it('refuses a file over maxBytes, naming both sizes', async () => {
    const big = join(work, 'big.txt');
    writeFileSync(big, 'x'.repeat(2000));
    await expect(readRegularFile(big, { maxBytes: 1000 })).rejects.toThrow(/at most 1\.0 kB \(it has 2\.0 kB\)/);
    expect((await readRegularFile(big)).length).toBe(2000);
  });
});
