// A database, NATS subject prefix, audit stream and revocation bucket of a suite's own. The run's audit stream takes
// only the run's prefix: a suite on another prefix needs its own stream (or it would create the run's stream with its
// own subjects, and break every later suite). Suites that write tens of thousands of rows (the fault and load suites)
// also take a database of their own, so the next suites do not query a run database that has grown under them.
import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { inject } from 'vitest';
import { dropDatabase } from '@portcullis/shared/db';
import { connectTestNats } from './test-nats.js';
import { migrateAll } from '../../deploy/dev/migrate-all.js';
import { seedPolicy } from '../../deploy/dev/seed-policy.js';

export interface OwnStreams {
  env: { NATS_SUBJECT_PREFIX: string; AUDIT_STREAM: string; REVOKED_SESSIONS_BUCKET: string };
  remove: () => Promise<void>;
}

export interface OwnDatabase {
  /** For the services of the suite. */
  env: OwnStreams['env'] & { DATABASE_URL: string };
  drop: () => Promise<void>;
}

/** A subject prefix with its own audit stream and revocation bucket on the run's NATS; `remove` deletes both. */
export function ownStreams(tag: string): OwnStreams {
  const id = randomBytes(3).toString('hex');
  const env = {
    // One token, as the config asks: the run's prefix without its dot, then the tag.
    NATS_SUBJECT_PREFIX: `${inject('natsPrefix').replace(/\.$/, '')}${tag}${id}.`,
    AUDIT_STREAM: `${inject('auditStream')}_${tag.toUpperCase()}${id.toUpperCase()}`,
    REVOKED_SESSIONS_BUCKET: `${inject('revokedSessionsBucket')}_${tag}${id}`,
  };
  return {
    env,
    remove: async () => {
      const nc = await connectTestNats('portcullis-test-own-streams');
      try {
        const jsm = await jetstreamManager(nc);
        await jsm.streams.delete(env.AUDIT_STREAM).catch(() => false);
        await jsm.streams.delete(`KV_${env.REVOKED_SESSIONS_BUCKET}`).catch(() => false);
      } finally {
        await nc.close();
      }
    },
  };
}

/** Creates, migrates and seeds (policies/) a database next to the run's one, with its own streams; `drop` removes all. */
export async function ownDatabase(tag: string): Promise<OwnDatabase> {
  const streams = ownStreams(tag);
  const url = new URL(inject('databaseUrl'));
  url.pathname = `${url.pathname}_${tag}_${randomBytes(3).toString('hex')}`;
  const env = { ...streams.env, DATABASE_URL: url.toString() };
  await migrateAll(env.DATABASE_URL);
  await seedPolicy(env.DATABASE_URL, env.NATS_SUBJECT_PREFIX);
  return {
    env,
    drop: async () => {
      await streams.remove();
      await dropDatabase(env.DATABASE_URL);
    },
  };
}
