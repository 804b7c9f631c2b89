/**
 * The CLI fuzz suite's cases: for every flag of every command, malformed values of each class
 * (empty, NaN, negative, huge, wrong type, …), and for file flags hostile files (missing, a directory,
 * a FIFO, /dev/zero, binary garbage, 100,000-deep JSON, a huge sparse file, …); plus unknown and
 * duplicated flags. Each case says what the one-line message must name. Built from a table, not
 * random, so a failure names its case and reruns the same. Not the runner (fuzz.test.ts is).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type ValueKind =
  | 'number' // a finite number in a range
  | 'int' // a whole number in a range
  | 'number-list'
  | 'int-list'
  | 'choice'
  | 'choice-list'
  | 'name' // a known name (GPU, model): anything else is refused
  | 'name-list'
  | 'text' // free text: only empty is refused
  | 'bytes'
  | 'pairs' // method=factor,…
  | 'ids' // embed-ids --ids JSON
  | 'json-file' // an input file of JSON / JSONL
  | 'model-dir'
  | 'run-dir' // a 'repurpose train' run folder (checkpoint.safetensors)
  | 'adapter-dir' // a PEFT adapter folder (adapter_config.json)
  | 'out-dir' // a folder to write (new or empty)
  | 'into-dir' // a folder to write files into (made if missing; other files there stay)
  | 'binary-file'
  | 'any-file' // a file read whole whatever it holds (hashed), or read later by a script: only unreadable ones are refused
  | 'later-file' // a file a script writes later: it may not exist, but what is there must be a regular file
  | 'refused-flag' // declared (shared flag sets) but not meaningful for the command: any value is refused
  | 'out-file'
  | 'boolean';

export interface FlagSpec {
  readonly command: string;
  /** The flag, or `RUNS` for fit's positional ledger. */
  readonly flag: string;
  readonly kind: ValueKind;
  /** A command line the flag is meaningful in, without the flag. */
  readonly base: readonly string[];
  /** A good value (for duplicated-flag cases); undefined for booleans. */
  readonly good?: string;
  /** Flags that may be given more than once. */
  readonly multiple?: boolean;
}

export interface FuzzCase {
  readonly name: string;
  readonly cls: string;
  readonly argv: readonly string[];
  /** Text the single stderr line must contain (the flag, the value). */
  readonly mentions: readonly string[];
}

export interface Fixtures {
  readonly dir: string;
  readonly golden: string;
  readonly ledger: string;
  readonly law: string;
  readonly config: string;
}

/** Hostile files, made once in `dir`. */
export function hostileFiles(dir: string) {
  const f = (name: string) => join(dir, name);
  mkdirSync(f('a-directory'));
  execFileSync('mkfifo', [f('a-fifo')]);
  symlinkSync('/dev/zero', f('zero-link'));
  writeFileSync(f('garbage.bin'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24)));
  writeFileSync(f('deep.json'), `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
  writeFileSync(f('empty.json'), '');
  writeFileSync(f('huge.json'), '');
  truncateSync(f('huge.json'), 300 * 2 ** 20); // sparse: 300 MiB on paper, nothing on disk
  writeFileSync(f('text.json'), 'this is not JSON\n');
  writeFileSync(f('wrong-shape.json'), '{"hello": [1, 2, 3]}\n');
  // Model directories that look right and are not.
  const fifoModel = f('model-fifo');
  mkdirSync(fifoModel);
  execFileSync('mkfifo', [join(fifoModel, 'config.json')]);
  const zeroModel = f('model-zero');
  mkdirSync(zeroModel);
  return {
    missing: f('no-such-file.json'),
    directory: f('a-directory'),
    fifo: f('a-fifo'),
    zero: '/dev/zero',
    zeroLink: f('zero-link'),
    garbage: f('garbage.bin'),
    deep: f('deep.json'),
    empty: f('empty.json'),
    huge: f('huge.json'),
    text: f('text.json'),
    wrongShape: f('wrong-shape.json'),
    fifoModel,
    zeroModel,
  };
}

export function modelDirWithZeroWeights(golden: string, dir: string): void {
  writeFileSync(join(dir, 'config.json'), readFileSync(join(golden, 'config.json')));
  symlinkSync('/dev/zero', join(dir, 'model.safetensors'));
}

const NUMERIC_BAD: [string, string][] = [
  ['empty', ''],
  ['NaN', 'NaN'],
  ['negative', '-1'],
  ['huge', '1e400'],
  ['huge', '1e300'],
  ['wrong type', 'abc'],
  ['wrong type', '12abc'],
  ['wrong type', 'Infinity'],
];

const shown = (value: string) => (value === '' ? '""' : value);

export function flagCases(spec: FlagSpec, fx: Fixtures, files: ReturnType<typeof hostileFiles>): FuzzCase[] {
  const cases: FuzzCase[] = [];
  const label = `${spec.command} ${spec.flag}`;
  // The ledger is a positional argument: its messages name it by its path.
  const positional = spec.flag === 'RUNS';
  const flag = spec.flag;
  const withValue = (value: string) => (positional ? [...spec.base, value] : [...spec.base, spec.flag, value]);
  const add = (cls: string, what: string, value: string, mentions: string[] = [flag, shown(value)]) =>
    cases.push({ name: `${label} ${what}`, cls, argv: withValue(value), mentions: positional ? mentions.filter((m) => m !== 'RUNS') : mentions });

  switch (spec.kind) {
    case 'number':
    case 'int':
    case 'number-list':
    case 'int-list':
    case 'bytes':
      for (const [cls, value] of NUMERIC_BAD) add(cls, `${cls} ${JSON.stringify(value)}`, value);
      if (spec.kind === 'int' || spec.kind === 'int-list') add('wrong type', 'fraction "1.5"', '1.5');
      if (spec.kind === 'bytes') add('wrong type', 'unknown unit "24 parsecs"', '24 parsecs');
      if (spec.kind.endsWith('list')) {
        add('empty', 'empty entry "1,,2"', '1,,2', [flag]);
        add('huge', '1001 entries', Array.from({ length: 1001 }, () => '1').join(','), [flag, '1001']);
      }
      break;
    case 'choice':
    case 'choice-list':
    case 'name':
    case 'name-list':
      for (const [cls, value] of [['empty', ''], ['NaN', 'NaN'], ['negative', '-1'], ['huge', '1e400'], ['wrong type', 'nonsense'], ['wrong type', '{"a":1}']] as const) add(cls, `${cls} ${JSON.stringify(value)}`, value);
      if (spec.kind.endsWith('list')) add('empty', 'empty entry', ',', [flag]);
      break;
    case 'text':
      add('empty', 'empty ""', '');
      break;
    case 'pairs':
      for (const [cls, value] of [['empty', ''], ['NaN', 'lora=NaN'], ['negative', 'lora=-1'], ['huge', 'lora=1e400'], ['wrong type', 'lora'], ['wrong type', 'warp=0.7'], ['wrong type', 'lora=0.7=1'], ['duplicated', 'lora=0.7,lora=0.8']] as const) add(cls, `${cls} ${JSON.stringify(value)}`, value, [flag]);
      break;
    case 'ids':
      for (const [cls, value] of [
        ['empty', ''],
        ['empty', '[]'],
        ['empty', '[[]]'],
        ['NaN', '[[NaN]]'],
        ['negative', '[[-1]]'],
        ['huge', '[[128]]'],
        ['huge', '[[1e400]]'],
        ['wrong type', '[["a"]]'],
        ['wrong type', '[[1.5]]'],
        ['wrong type', '{"ids":[1]}'],
        ['wrong type', '[1,2]'],
        ['wrong type', 'not json'],
        ['deep JSON', `${'['.repeat(1000)}${']'.repeat(1000)}`],
      ] as const) add(cls, `${cls} ${JSON.stringify(value).slice(0, 30)}`, value, [flag]);
      add('huge', '12,000 ids on 64 positions', `[[${Array.from({ length: 12_000 }, () => '1').join(',')}]]`, [flag, '12,000', '64']);
      add('huge', '5,000 sequences', `[${Array.from({ length: 5000 }, () => '[1]').join(',')}]`, [flag, '5,000']);
      add('huge', '4,096 × 65 padded tokens', `[${Array.from({ length: 4096 }, () => `[${Array.from({ length: 65 }, () => '1').join(',')}]`).join(',')}]`, [flag, '262,144']);
      // Longer than one argv may be on Linux (128 KiB): the runner passes it to main() directly.
      add('deep JSON', '100,000-deep', `${'['.repeat(100_000)}${']'.repeat(100_000)}`, [flag, '100,000']);
      break;
    case 'json-file':
    case 'binary-file':
    case 'any-file':
      add('missing file', 'missing file', files.missing, [flag, files.missing]);
      add('empty', 'empty path ""', '', [flag]);
      add('directory', 'a directory', files.directory, [flag, files.directory]);
      add('FIFO', 'a FIFO', files.fifo, [flag, files.fifo]);
      add('/dev/zero', '/dev/zero', files.zero, [flag, files.zero]);
      add('/dev/zero', 'a symlink to /dev/zero', files.zeroLink, [flag, files.zeroLink]);
      if (spec.kind === 'any-file') break;
      add('binary garbage', 'binary garbage', files.garbage, [flag]);
      add('huge file', 'a 300 MiB file', files.huge, [flag, files.huge]);
      if (spec.kind === 'json-file') {
        add('deep JSON', '100,000-deep JSON', files.deep, [flag]);
        add('empty', 'an empty file', files.empty, [flag]);
        add('wrong type', 'text that is not JSON', files.text, [flag]);
        add('wrong type', 'JSON of the wrong shape', files.wrongShape, [flag]);
      }
      break;
    case 'model-dir':
      add('missing file', 'missing directory', files.missing, [flag, files.missing]);
      add('empty', 'empty path ""', '', [flag]);
      add('directory', 'a file instead of a directory', fx.config, [flag, fx.config]);
      add('FIFO', 'a FIFO', files.fifo, [flag, files.fifo]);
      add('/dev/zero', '/dev/zero', files.zero, [flag, files.zero]);
      add('FIFO', 'config.json is a FIFO', files.fifoModel, [flag, 'config.json']);
      add('/dev/zero', 'model.safetensors links to /dev/zero', files.zeroModel, [flag, 'model.safetensors']);
      add('missing file', 'no config.json', files.directory, [flag, 'config.json']);
      break;
    case 'run-dir':
    case 'adapter-dir': {
      const inside = spec.kind === 'run-dir' ? 'checkpoint.safetensors' : 'adapter_config.json';
      add('missing file', 'missing directory', files.missing, [flag, files.missing]);
      add('empty', 'empty path ""', '', [flag]);
      add('directory', 'a file instead of a directory', fx.config, [flag, fx.config]);
      add('FIFO', 'a FIFO', files.fifo, [flag, files.fifo]);
      add('/dev/zero', '/dev/zero', files.zero, [flag, files.zero]);
      add('missing file', `no ${inside}`, files.directory, [flag, inside]);
      break;
    }
    case 'out-dir':
    case 'into-dir':
      add('empty', 'empty path ""', '', [flag]);
      add('directory', 'a file', fx.config, [flag, fx.config]);
      add('FIFO', 'a FIFO', files.fifo, [flag, files.fifo]);
      add('/dev/zero', 'a device', files.zero, [flag, files.zero]);
      add('unwritable', 'in an unwritable directory (/proc)', '/proc/repurpose-out', [flag, '/proc']);
      add('unwritable', 'under a file, not a directory', join(fx.config, 'out'), [flag]);
      if (spec.kind === 'out-dir') add('directory', 'a folder holding other files', files.fifoModel, [flag, files.fifoModel]);
      break;
    case 'out-file':
      add('missing file', 'in a missing directory', join(files.missing, 'out.file'), [flag, files.missing]);
      add('empty', 'empty path ""', '', [flag]);
      add('directory', 'a directory', files.directory, [flag, files.directory]);
      add('FIFO', 'a FIFO', files.fifo, [flag, files.fifo]);
      add('/dev/zero', 'a device', files.zero, [flag, files.zero]);
      add('unwritable', 'in an unwritable directory (/proc)', '/proc/repurpose-out.file', [flag, '/proc']);
      add('unwritable', 'under a file, not a directory', join(fx.config, 'out.file'), [flag]);
      break;
    case 'later-file':
      add('empty', 'empty path ""', '', [flag]);
      add('directory', 'a directory', files.directory, [flag, files.directory]);
      add('FIFO', 'a FIFO', files.fifo, [flag, files.fifo]);
      add('/dev/zero', 'a device', files.zero, [flag, files.zero]);
      break;
    case 'refused-flag':
      add('silently ignored', 'given at all', spec.good ?? 'x', [flag]);
      break;
    case 'boolean':
      cases.push({ name: `${label} given a value`, cls: 'wrong type', argv: [...spec.base, `${spec.flag}=yes`], mentions: [spec.flag] });
      break;
  }
  if (!spec.multiple && spec.flag !== 'RUNS') {
    const twice = spec.kind === 'boolean' ? [spec.flag, spec.flag] : [spec.flag, spec.good!, spec.flag, spec.good!];
    cases.push({ name: `${label} duplicated`, cls: 'duplicated flag', argv: [...spec.base, ...twice], mentions: [spec.flag, 'twice'] });
  }
  return cases;
}
