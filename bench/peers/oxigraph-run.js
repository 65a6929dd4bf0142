#!/usr/bin/env node
// oxigraph-run.js DATA FORMAT REPEAT QUERY.rq...: Oxigraph (npm, in-memory)
// loads DATA once ("application/n-triples" or "application/n-quads"), then
// runs each query REPEAT times with the default graph as the union of all
// graphs, as relata does. Prints, like relata-bench-query, per query:
// name rows first_ms median_ms min_ms.
const fs = require('fs'), path = require('path');
const ox = require('oxigraph');
const [data, format, repeatText, ...queries] = process.argv.slice(2);
const repeat = Math.max(1, parseInt(repeatText, 10) || 1);
const store = new ox.Store();
const t0 = process.hrtime.bigint();
store.load(fs.readFileSync(data), { format, no_transaction: true });
console.error(`# oxigraph=${require('oxigraph/package.json').version} quads=${store.size} load_s=${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(2)}`);
for (const file of queries) {
  const text = fs.readFileSync(file, 'utf8');
  const ms = [];
  let rows = 0;
  for (let r = 0; r < repeat; ++r) {
    const start = process.hrtime.bigint();
    const result = store.query(text, { use_default_graph_as_union: true });
    rows = Array.isArray(result) ? result.length : 1;
    ms.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const first = ms[0];
  ms.sort((a, b) => a - b);
  process.stdout.write(`${path.basename(file, '.rq')}\t${rows}\t${first.toFixed(3)}\t${ms[Math.floor(ms.length / 2)].toFixed(3)}\t${ms[0].toFixed(3)}\n`);
}
