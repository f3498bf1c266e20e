export { loadConfig, ConfigError, baseConfigSchema, type BaseConfig } from './load-config.js';
export { duration } from './duration.js';
export { keyEncryptionSecret, resolveKeyEncryptionSecret } from './key-encryption.js';
