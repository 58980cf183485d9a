/*
 * `npm run demo`: the README's main job. Runs the example service with no
 * Collector needed, then checks the hash chain of the file it wrote.
 */
import { verifyChain } from '../src/chain/index.js';
import { runAuthService } from './auth-service.js';

const file = process.env.FACTLINE_EVENTS_FILE ?? '.factline/auth-events.jsonl';
process.stderr.write(`factline demo: emitting the seed catalog to the console and ${file}\n`);
await runAuthService(file);
const r = await verifyChain(file);
process.stderr.write(r.ok ? `factline demo: ${file}: ${r.records} records, hash chain intact\n` : `factline demo: ${file}: chain broken at line ${r.line}: ${r.message}\n`);
if (!r.ok) process.exitCode = 1;
