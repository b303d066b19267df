import type { BandThresholds, CalibrationEvidence } from '@hitl/contracts';
import { applyOnce } from '@hitl/messaging';
import type { BandEdges } from '@hitl/policy';
import type { mongo } from 'mongoose';

/** One category's calibrated bands; one document per category. */
export interface StoredCalibration {
  _id: string;
  /** Calibrations applied to this category so far (1, 2, …): the n of its policyVersion. */
  n: number;
  bands: BandThresholds;
  /**
   * The category's bands in the policy file when the calibration was applied. A later policy
   * file with other bands for the category is the operator's newer word: the calibration yields.
   */
  fileBands: BandEdges;
  /** The base policy version it was applied under, and what feedback announced (for tracing). */
  base: string;
  announcedVersion: string;
  previousPolicyVersion: string;
  evidence: CalibrationEvidence;
  calibratedAt: string;
  appliedAt: Date;
}

export interface CalibrationInput {
  eventId: string;
  category: string;
  bands: BandThresholds;
  policyVersion: string;
  previousPolicyVersion: string;
  evidence: CalibrationEvidence;
  calibratedAt: string;
}

export class CalibrationRepository {
  private readonly calibrations: mongo.Collection<StoredCalibration>;

  constructor(db: mongo.Db) {
    this.calibrations = db.collection<StoredCalibration>('scoring_calibrations');
  }

  /**
   * Applies a calibration once per event id (the count and the bands change in the same
   * single-document write as the record of the event), and returns the stored result.
   */
  async apply(c: CalibrationInput, context: { base: string; fileBands: BandEdges; now: Date }): Promise<StoredCalibration> {
    await applyOnce(this.calibrations, c.category, c.eventId, {
      $inc: { n: 1 },
      $set: {
        bands: c.bands,
        fileBands: context.fileBands,
        base: context.base,
        announcedVersion: c.policyVersion,
        previousPolicyVersion: c.previousPolicyVersion,
        evidence: c.evidence,
        calibratedAt: c.calibratedAt,
        appliedAt: context.now,
      },
    });
    const stored = await this.calibrations.findOne({ _id: c.category }, { projection: { _appliedEvents: 0 } });
    if (!stored) throw new Error(`calibration of ${c.category} vanished after it was applied`);
    return stored;
  }

  async loadAll(): Promise<StoredCalibration[]> {
    return this.calibrations.find({}, { projection: { _appliedEvents: 0 } }).toArray();
  }
}
