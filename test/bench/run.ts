// `npm run bench`: every benchmark, each in its own process (so peak-memory
// figures are its own), one after another, each printing its numbers.
// Select some with arguments: `npm run bench -- pprof fanout`.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCHES = ['decode', 'graph', 'render', 'pprof', 'fanout', 'detection', 'captures'];

const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!BENCHES.includes(name)) {
    console.error(`unknown benchmark ${name}; have: ${BENCHES.join(', ')}`);
    process.exit(2);
  }
}
let failed = 0;
for (const name of BENCHES) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  console.log(`\n=== ${name} ===`);
  const file = fileURLToPath(new URL(`./${name}.bench.ts`, import.meta.url));
  const r = spawnSync(process.execPath, [file], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`${name} benchmark failed (exit ${r.status ?? r.signal})`);
    failed++;
  }
}
process.exitCode = failed > 0 ? 1 : 0;
