import { parquetWriteBuffer } from 'hyparquet-writer';
import { parquetSchema } from '../src/core/parquet/index.js';
import { generateTyped, TYPED_FIELDS } from './writers/typedData.js';
const d = generateTyped(300000);
const fields = TYPED_FIELDS.slice(0, 7);
const schema = parquetSchema(fields);
function run(label: string, mk: () => any[], extra: any = {}) {
  let best = Infinity;
  for (let i = 0; i < 6; i++) {
    const t = performance.now();
    const columnData = mk();
    const b = parquetWriteBuffer({ columnData, schema, rowGroupSize: 131072, ...extra });
    best = Math.min(best, performance.now() - t);
    if (i === 0) (run as any).size = b.byteLength;
  }
  console.log(label.padEnd(30), best.toFixed(0), 'ms', ((run as any).size / 1e6).toFixed(2), 'MB');
}
const base = () => fields.map((f) => ({ name: f.name, data: d.columns[f.name], nullable: f.nullable }));
run('warm', base);
run('baseline', base);
run('no stats', base, { statistics: false });
run('plain strings/ts', () => fields.map((f) => ({ name: f.name, data: d.columns[f.name], nullable: f.nullable, ...(f.name === 'email' || f.name.endsWith('_at') ? { encoding: 'PLAIN' } : {}) })));
run('no stats for strings', () => fields.map((f) => ({ name: f.name, data: d.columns[f.name], nullable: f.nullable, ...(f.type === 'string' ? { statistics: false } : {}) })));
const enc = new TextEncoder();
run('pre-encoded strings', () => fields.map((f) => {
  let data = d.columns[f.name] as unknown[];
  if (f.type === 'string') {
    const buf = Buffer.allocUnsafe(data.reduce<number>((s, v) => s + (v === null ? 0 : (v as string).length * 3), 0));
    let off = 0;
    data = data.map((v) => { if (v === null) return null; const n = buf.write(v as string, off); const r = buf.subarray(off, off + n); off += n; return r; });
  }
  if (f.type === 'timestamp') data = data.map((v) => (v === null ? null : BigInt(v as number)));
  return { name: f.name, data, nullable: f.nullable };
}));
void enc;

run('baseline again', base);
run('plain email+ts, no str stats', () => fields.map((f) => ({ name: f.name, data: d.columns[f.name], nullable: f.nullable, ...(f.name === 'email' || f.name.endsWith('_at') ? { encoding: 'PLAIN' } : {}), ...(f.type === 'string' ? { statistics: false } : {}) })));
