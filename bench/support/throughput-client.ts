// A benchmark's load generator (autocannon), in its own process so that its work does not share the server's event
// loop. Reads {urls, connections, durationSeconds, headers?} from stdin; each request takes the next URL in turn. Prints
// {requestsPerSecond, p50, p99, non2xx, errors} as JSON (latencies in ms).
import { text } from 'node:stream/consumers';
import autocannon from 'autocannon';

const input = JSON.parse(await text(process.stdin)) as { urls: string[]; connections: number; durationSeconds: number; headers?: Record<string, string> };
const first = new URL(input.urls[0]);
let next = 0;
const result = await autocannon({
  url: first.origin,
  connections: input.connections,
  duration: input.durationSeconds,
  ...(input.headers ? { headers: input.headers } : {}),
  requests: [
    {
      method: 'GET',
      setupRequest: (request) => {
        const url = new URL(input.urls[next++ % input.urls.length]);
        return { ...request, path: `${url.pathname}${url.search}` };
      },
    },
  ],
});
process.stdout.write(
  JSON.stringify({
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  }),
);
