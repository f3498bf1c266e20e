import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { baseConfigSchema, ConfigError, duration, loadConfig } from './index.js';

const schema = baseConfigSchema.extend({ PORT: z.coerce.number().int().min(1).max(65535), TTL: duration('15m') });

describe('loadConfig', () => {
  it('applies defaults and converts types', () => {
    const config = loadConfig(schema, { PORT: '4001' });
    expect(config.PORT).toBe(4001);
    expect(config.TTL).toBe(900_000);
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/portcullis');
  });

  it('names every variable that is wrong', () => {
    try {
      loadConfig(schema, { PORT: 'eighty', DATABASE_URL: 'mysql://x', TTL: 'soon' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as ConfigError).message;
      expect(message).toContain('PORT');
      expect(message).toContain('DATABASE_URL');
      expect(message).toContain('TTL');
    }
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig(schema, { PORT: '1', NATS_SUBJECT_PREFIX: '' }).NATS_SUBJECT_PREFIX).toBe('');
  });
});
