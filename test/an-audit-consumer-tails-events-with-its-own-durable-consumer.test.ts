import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { auditSubject, buildAuditEvent, ensureAuditStream, type AuditEvent } from '@portcullis/shared/events';
import type { NatsConnection } from '@portcullis/shared/nats';
import { connectTestNats, natsEnv } from './support/test-nats.js';

const script = fileURLToPath(new URL('../examples/audit-tail.ts', import.meta.url));
const durable = `tail_${process.pid}_${Date.now()}`;
let nc: NatsConnection;

function sample(label: string): AuditEvent {
  // A service name of its own, so the tail's filter sees only this test's events in the run's shared stream.
  return buildAuditEvent({ service: 'tailtest', action: 'login.succeeded', subject: `user:${label}`, data: { actor: { user_id: null }, outcome: 'success', target: {}, request_id: label } });
}

async function publish(event: AuditEvent): Promise<void> {
  await jetstream(nc).publish(auditSubject(event, inject('natsPrefix')), JSON.stringify(event), { msgID: event.id });
}

/** Starts the example and collects its output lines. */
function tail(): { child: ChildProcess; lines: string[]; waitFor: (text: string) => Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', script, 'audit.tailtest.>', '--from-start'], {
    env: { ...process.env, ...natsEnv('audit-reader'), AUDIT_STREAM: inject('auditStream'), NATS_SUBJECT_PREFIX: inject('natsPrefix'), AUDIT_TAIL_DURABLE: durable },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const listeners = new Set<() => void>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const listener of listeners) listener();
  });
  const waitFor = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no line with ${text}; got:\n${lines.join('\n')}`)), 15_000);
      const check = () => {
        if (lines.some((line) => line.includes(text))) {
          clearTimeout(timer);
          listeners.delete(check);
          resolve();
        }
      };
      listeners.add(check);
      check();
    });
  return { child, lines, waitFor };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

beforeAll(async () => {
  nc = await connectTestNats('tail-test');
  // The services create the stream when they start; this test starts none.
  await ensureAuditStream(nc, { name: inject('auditStream'), subjectPrefix: inject('natsPrefix') });
});

afterAll(async () => {
  await (await jetstreamManager(nc)).consumers.delete(inject('auditStream'), durable).catch(() => false);
  await nc.close();
});

it('prints each event once and, restarted, resumes where its durable consumer left off', async () => {
  const first = sample('first');
  const run = tail();
  try {
    // A message that is not an audit event is skipped, not fatal.
    await jetstream(nc).publish(`${inject('natsPrefix')}audit.tailtest.junk.arrived`, '{"hello":"world"}');
    await publish(first);
    await run.waitFor(first.id);
    expect(run.lines.find((line) => line.includes(first.id))).toContain('portcullis.tailtest.login.succeeded success user:first actor=anonymous');
  } finally {
    await stop(run.child);
  }
  const second = sample('second');
  await publish(second);
  const again = tail();
  try {
    await again.waitFor(second.id);
    expect(again.lines.some((line) => line.includes(first.id))).toBe(false);
  } finally {
    await stop(again.child);
  }
}, 40_000);
