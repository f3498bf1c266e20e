// A benchmark's HTTP client, in its own process so that its work does not share the server's event loop.
// Reads {calls: [{method, url, body?}], token, warmup, expect} from stdin; runs the calls one after another (the first
// `warmup` unmeasured) and prints the measured latencies (ms) as JSON.
import { text } from 'node:stream/consumers';

interface Call {
  method: string;
  url: string;
  body?: string;
}

const input = JSON.parse(await text(process.stdin)) as { calls: Call[]; token: string; warmup: number; expect: number };

async function run(call: Call): Promise<void> {
  const res = await fetch(call.url, {
    method: call.method,
    headers: { authorization: `Bearer ${input.token}`, ...(call.body ? { 'content-type': 'application/json' } : {}) },
    body: call.body,
  });
  await res.arrayBuffer();
  if (res.status !== input.expect) throw new Error(`${call.method} ${call.url} answered ${res.status}`);
}

const samples: number[] = [];
for (const [index, call] of input.calls.entries()) {
  const start = performance.now();
  await run(call);
  if (index >= input.warmup) samples.push(performance.now() - start);
}
process.stdout.write(JSON.stringify(samples));
