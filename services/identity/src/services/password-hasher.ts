import { hash, verify } from '@node-rs/argon2';

// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane); the package defaults to argon2id.
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export class PasswordHasher {
  /** A hash of a throwaway password: verifying against it costs what a real check costs, for unknown emails. */
  private dummyHash?: Promise<string>;

  hash(password: string): Promise<string> {
    return hash(password, OPTIONS);
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  }

  /** Spends the same time as a real verification so response time does not reveal whether an email exists. */
  async verifyAgainstNothing(password: string): Promise<false> {
    this.dummyHash ??= this.hash('portcullis-timing-equalizer');
    await this.verify(await this.dummyHash, password);
    return false;
  }
}
