// A runnable audit consumer: `npm run example:audit-tail [-- <subject filter>] [--from-start]`.
// It does what a SIEM forwarder would: a durable consumer of its own on the AUDIT stream (so it resumes where it left
// off after a restart), one line per event, de-duplicated by event id, acked only after it has been handled.
// Env: NATS_URL (nats://127.0.0.1:4222), NATS_NKEY_SEED (the audit-reader user's seed: NATS is never anonymous),
// AUDIT_STREAM (AUDIT), NATS_SUBJECT_PREFIX (''), AUDIT_TAIL_DURABLE (audit-tail: the durable name the NATS
// authorization config gives the audit-reader user).
import { parseArgs } from 'node:util';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, nkeyAuthenticator } from '@nats-io/transport-node';

interface AuditEvent {
  id: string;
  type: string;
  time: string;
  subject: string;
  tenantid?: string;
  data: { actor: { user_id: string | null; impersonator_id?: string; ip?: string }; outcome: string; reason?: string };
}

const { positionals, values } = parseArgs({ allowPositionals: true, options: { 'from-start': { type: 'boolean', default: false } } });
const prefix = process.env.NATS_SUBJECT_PREFIX ?? '';
const stream = process.env.AUDIT_STREAM ?? 'AUDIT';
const durable = process.env.AUDIT_TAIL_DURABLE ?? 'audit-tail';
const filter = `${prefix}${positionals[0] ?? 'audit.>'}`;

const seed = process.env.NATS_NKEY_SEED;
const nc = await connect({
  servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
  name: 'audit-tail',
  ...(seed ? { authenticator: nkeyAuthenticator(new TextEncoder().encode(seed)) } : {}),
  // The audit-reader user may receive replies on this inbox only.
  inboxPrefix: '_INBOX_audit-reader',
});
const jsm = await jetstreamManager(nc);
// Create the durable consumer once; later runs resume from its position (the filter of the first run stays).
await jsm.consumers.info(stream, durable).catch(() =>
  jsm.consumers.add(stream, {
    durable_name: durable,
    filter_subject: filter,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: values['from-start'] ? DeliverPolicy.All : DeliverPolicy.New,
  }),
);
const consumer = await jetstream(nc).consumers.get(stream, durable);
const messages = await consumer.consume();
process.once('SIGINT', () => void messages.close());
process.once('SIGTERM', () => void messages.close());
console.error(`tailing ${filter} on ${stream} as ${durable}`);

// Delivery is at least once: remember recent ids so a redelivered event prints once.
const seen = new Set<string>();
for await (const msg of messages) {
  const event = parse(msg.string());
  if (!event) {
    // Not an audit event (someone else published on the subject): skip it rather than stop.
    console.error(`skipped a message that is not an audit event (stream sequence ${msg.seq})`);
  } else if (!seen.has(event.id)) {
    seen.add(event.id);
    if (seen.size > 10_000) seen.delete(seen.values().next().value!);
    const actor = event.data.actor.user_id ?? 'anonymous';
    const by = event.data.actor.impersonator_id ? ` (impersonated by ${event.data.actor.impersonator_id})` : '';
    const reason = event.data.reason ? ` reason=${event.data.reason}` : '';
    process.stdout.write(`${event.time} ${event.type} ${event.data.outcome} ${event.subject} actor=${actor}${by}${event.tenantid ? ` tenant=${event.tenantid}` : ''}${reason} id=${event.id}\n`);
  }
  msg.ack();
}
await nc.drain();

function parse(body: string): AuditEvent | undefined {
  try {
    const event = JSON.parse(body) as AuditEvent;
    return typeof event?.id === 'string' && typeof event.type === 'string' && event.data?.actor ? event : undefined;
  } catch {
    return undefined;
  }
}
