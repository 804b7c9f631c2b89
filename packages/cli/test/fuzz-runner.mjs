/**
 * Child process of the CLI fuzz suite: reads a JSON list of argv arrays on stdin and runs each through
 * the built CLI's main() with its output captured, printing one JSON line before ("start") and after
 * ("done") each case. One process runs many cases, so the suite pays for Node's start-up a few times
 * instead of hundreds; a case that hangs is seen by the parent (no "done" in time), which kills this
 * process and starts another for the cases left. Not a test by itself.
 */
import { main } from '../dist/main.js';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const cases = JSON.parse(input);
const send = (msg) => process.stdout.write(`${JSON.stringify(msg)}\n`);
for (const [index, argv] of cases) {
  send({ index, start: true });
  const out = [];
  const err = [];
  let code;
  try {
    code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  } catch (error) {
    code = 'threw';
    err.push(`main threw: ${error?.stack ?? error}`);
  }
  send({ index, code, stdout: out.join('\n'), stderr: err.map((e) => `${e}\n`).join('') });
}
