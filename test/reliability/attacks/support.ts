// What each attack suite tried and whether anything got in, for RELIABILITY.md's "attacks tried" table.
import { writeSuiteReport, type ReliabilityFigure } from '../support/report.js';

export interface AttackReport {
  /** The suite's file name without .test.ts. */
  suite: string;
  title: string;
  /** The finding of issue 17 it answers, as numbered there. */
  finding: number;
  /** Attempts made (requests, messages, subscriptions). */
  tried: number;
  /** Attempts that got in: 0, or the suite fails before it records. */
  gotIn: number;
  figures?: ReliabilityFigure[];
  notes?: string;
}

/** The attack part of RELIABILITY.md; call once the suite's assertions have passed. */
export function recordAttack(report: AttackReport): void {
  writeSuiteReport({
    suite: report.suite,
    title: report.title,
    part: 7,
    attack: { finding: report.finding, tried: report.tried, gotIn: report.gotIn },
    figures: [
      { name: 'Attempts', value: report.tried },
      { name: 'Attempts that got in', value: report.gotIn, expected: '0', ok: report.gotIn === 0 },
      ...(report.figures ?? []),
    ],
    ...(report.notes ? { notes: report.notes } : {}),
  });
}

/** Counts attempts, and the ones that got in, as a suite goes. */
export class AttackTally {
  tried = 0;
  gotIn = 0;

  /** Records one attempt; `refused` is whether the system kept the attacker out. */
  attempt(refused: boolean): boolean {
    this.tried += 1;
    if (!refused) this.gotIn += 1;
    return refused;
  }
}
