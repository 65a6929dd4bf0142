#!/usr/bin/env node
// kuzu-run.js DBDIR REPEAT QUERY.cypher...: Kuzu (npm) opens DBDIR/kuzu.db
// (the peers' kuzu-load mapping) once, then runs each query REPEAT times in
// this process, every row fetched (getAllSync: the async fetch costs tens of
// microseconds a row in kuzu 0.11). Prints, like relata-bench-query, per
// query: name rows first_ms median_ms min_ms.
const path = require('path'), fs = require('fs');
const kuzu = require('kuzu');
const [dbdir, repeatText, ...queries] = process.argv.slice(2);
const repeat = Math.max(1, parseInt(repeatText, 10) || 1);
(async () => {
  const db = new kuzu.Database(path.join(dbdir, 'kuzu.db'), Number(process.env.KUZU_BUFFER_MB || 4096) * 2 ** 20, true, true);
  const c = new kuzu.Connection(db);
  (await c.query('CALL var_length_extend_max_depth=100000')).close();
  console.error(`# kuzu=${kuzu.VERSION}`);
  for (const file of queries) {
    const text = fs.readFileSync(file, 'utf8').trim();
    const ms = [];
    let rows = 0;
    for (let r = 0; r < repeat; ++r) {
      const start = process.hrtime.bigint();
      const result = await c.query(text);
      rows = result.getAllSync().length;
      ms.push(Number(process.hrtime.bigint() - start) / 1e6);
      result.close();
    }
    const first = ms[0];
    ms.sort((a, b) => a - b);
    process.stdout.write(`${path.basename(file, '.cypher')}\t${rows}\t${first.toFixed(3)}\t${ms[Math.floor(ms.length / 2)].toFixed(3)}\t${ms[0].toFixed(3)}\n`);
  }
  await db.close();
})().catch(e => { console.error(String(e)); process.exit(1); });
