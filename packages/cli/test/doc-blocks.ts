/**
 * Reads the fenced code blocks of README.md and docs/*.md at test time, so the docs test runs what the
 * docs say today (no copy that can drift), and splits them into what the test can run: shell command
 * lines, JS modules with the values their comments claim, JSONL ledgers.
 *
 * Not a Markdown parser: fenced blocks (```lang …```) only; indented blocks in these docs are formulas.
 * The convention the docs follow (README "Docs"): a block's fence names its language; a fence with
 * `no-run` after the language is a deliberate sketch the test does not run; `text` is prose.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DocBlock {
  /** e.g. "docs/fitting.md:23". */
  readonly where: string;
  readonly file: string;
  readonly lang: string;
  readonly noRun: boolean;
  readonly code: string;
}

export function docFiles(root: string): string[] {
  return ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
}

export function docBlocks(root: string): DocBlock[] {
  const blocks: DocBlock[] = [];
  for (const file of docFiles(root)) {
    const lines = readFileSync(join(root, file), 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const open = /^```(.*)$/.exec(lines[i]!);
      if (!open) continue;
      const [lang = '', ...flags] = open[1]!.trim().split(/\s+/);
      const start = i;
      const body: string[] = [];
      for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
      blocks.push({ where: `${file}:${start + 1}`, file, lang, noRun: flags.includes('no-run'), code: body.join('\n') });
    }
  }
  return blocks;
}

/**
 * The command lines of a shell block, without comments; a line with optional flags (`[--json]`) gives
 * two commands: without them, and with every one of them.
 */
export function shellCommands(code: string): string[] {
  const commands: string[] = [];
  for (const raw of code.split('\n')) {
    const line = raw.replace(/\s+#.*$/, '').replace(/^#.*$/, '').trim();
    if (line === '') continue;
    if (/\[--[^\]]+\]/.test(line)) {
      commands.push(line.replace(/\s*\[--[^\]]+\]/g, '').trim());
      commands.push(line.replace(/\[(--[^\]]+)\]/g, '$1').replace(/\s+/g, ' ').trim());
    } else commands.push(line);
  }
  return commands;
}

/** A statement line whose comment shows its value: `recipe.model.name;    // 'pythia-160m'`. */
export interface ClaimedValue {
  readonly line: number;
  readonly expression: string;
  readonly claimed: unknown;
  /** The claim as written, for messages. */
  readonly text: string;
}

/**
 * The value a comment claims, if it reads as a JS literal: the whole comment, else the part before
 * " = " or " (" (`1.284743168e18 = (4N + …)·D`). Comments that are prose claim nothing.
 */
function literal(comment: string): { value: unknown; text: string } | undefined {
  const candidates = [comment, comment.split(' = ')[0]!, comment.split(' (')[0]!, comment.split(';')[0]!];
  for (const text of candidates) {
    try {
      // eslint-disable-next-line no-new-func -- the docs' own literals, evaluated with no scope
      return { value: new Function(`"use strict"; return (${text});`)(), text: text.trim() };
    } catch {
      /* not a literal */
    }
  }
  return undefined;
}

/**
 * A JS block as a module that records, for each claimed value, what the expression really gives:
 * every `expr; // literal` line becomes `__claim(n, expr)`. Imports are kept as written.
 */
export function instrumentJs(code: string): { module: string; claims: ClaimedValue[] } {
  const claims: ClaimedValue[] = [];
  const lines = code.split('\n').map((line, index) => {
    const m = /^(\s*)([^/]+?);\s*\/\/\s*(.+)$/.exec(line);
    if (!m || /^\s*(import|const|let|var|await\s+\w+\s*\(|export)\b/.test(m[2]!) || /^[\w$.]+\s*=[^=]/.test(m[2]!)) return line;
    const claim = literal(m[3]!);
    if (!claim) return line;
    claims.push({ line: index + 1, expression: m[2]!, claimed: claim.value, text: claim.text });
    return `${m[1]}__claim(${index + 1}, ${m[2]});`;
  });
  const prelude = 'const __claims = {}; const __claim = (n, v) => { __claims[n] = v; };\n';
  const epilogue = '\nprocess.stdout.write(`\\n__CLAIMS__${JSON.stringify(__claims)}\\n`);\n';
  return { module: prelude + lines.join('\n') + epilogue, claims };
}

/** Digits shown decide the tolerance: 9.06e16 matches 9.0612e16, not 9.1e16. */
export function matchesClaim(actual: unknown, claimed: unknown): boolean {
  if (typeof claimed === 'number' && typeof actual === 'number') {
    // Small whole numbers are exact; otherwise as many significant digits as the docs show.
    if (Number.isInteger(claimed) && Math.abs(claimed) < 1e15) return actual === claimed;
    const digits = claimed.toExponential().replace(/e.*$/, '').replace(/[-.]/g, '').replace(/0+$/, '').length;
    return actual.toPrecision(digits) === claimed.toPrecision(digits);
  }
  if (Array.isArray(claimed)) return Array.isArray(actual) && actual.length === claimed.length && claimed.every((c, i) => matchesClaim(actual[i], c));
  if (claimed !== null && typeof claimed === 'object') {
    if (actual === null || typeof actual !== 'object') return false;
    const a = actual as Record<string, unknown>;
    const keys = Object.keys(claimed);
    return keys.length === Object.keys(a).length && keys.every((k) => matchesClaim(a[k], (claimed as Record<string, unknown>)[k]));
  }
  return Object.is(actual, claimed);
}
