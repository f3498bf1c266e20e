// The HTTP client of the batch-check benchmark, in its own process so that its work does not share the server's
// event loop. Reads {url, token, body, warmup, requests} from stdin; prints the latencies (ms) as JSON.
import { text } from 'node:stream/consumers';

const { url, token, body, warmup, requests } = JSON.parse(await text(process.stdin)) as {
  url: string;
  token: string;
  body: string;
  warmup: number;
  requests: number;
};

async function call(): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
  const json = (await res.json()) as { results?: unknown[] };
  if (res.status !== 200 || json.results?.length !== 100) throw new Error(`batch check answered ${res.status}`);
}

for (let i = 0; i < warmup; i++) await call();
const samples: number[] = [];
for (let i = 0; i < requests; i++) {
  const start = performance.now();
  await call();
  samples.push(performance.now() - start);
}
process.stdout.write(JSON.stringify(samples));
