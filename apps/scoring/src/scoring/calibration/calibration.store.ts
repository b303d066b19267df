import type { BandThresholds, ThresholdsCalibratedV1 } from '@hitl/contracts';
import { DB_CONNECTION } from '@hitl/platform';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { POLICY } from '../tokens';
import { calibratedVersion, rulesFor, type BandEdges, type Policy } from '@hitl/policy';
import { CalibrationRepository, type StoredCalibration } from './calibration.repository';

export interface CategoryCalibration {
  bands: BandThresholds;
  policyVersion: string;
  /** Calibrations applied to the category so far. */
  n: number;
}

/**
 * Calibrated bands per category (thresholds.calibrated, mode apply), stored in the database
 * and held in memory for the hot path; refreshed periodically to see what other replicas applied.
 * A calibration holds until the policy file changes that category's bands.
 */
@Injectable()
export class CalibrationStore implements OnModuleInit {
  private readonly logger = new Logger('Calibration');
  private readonly repository: CalibrationRepository;
  private calibrations = new Map<string, CategoryCalibration>();
  private readonly superseded = new Set<string>();

  constructor(
    @Inject(DB_CONNECTION) connection: Connection,
    @Inject(POLICY) private readonly policy: Policy,
  ) {
    this.repository = new CalibrationRepository(connection.db!);
  }

  async onModuleInit(): Promise<void> {
    await this.refresh();
  }

  forCategory(category: string): CategoryCalibration | undefined {
    return this.calibrations.get(category);
  }

  async apply(eventId: string, event: ThresholdsCalibratedV1, now = new Date()): Promise<void> {
    if (event.mode !== 'apply') {
      this.logger.log({ message: 'calibration recommended, not applied', category: event.category, bands: event.bands });
      return;
    }
    const fileBands = this.fileBands(event.category);
    const stored = await this.repository.apply({ eventId, ...event }, { base: this.policy.version, fileBands, now });
    this.remember(stored);
    this.logger.log({ message: 'calibration applied', category: event.category, bands: event.bands, policyVersion: this.forCategory(event.category)?.policyVersion });
  }

  async refresh(): Promise<void> {
    const next = new Map<string, CategoryCalibration>();
    for (const stored of await this.repository.loadAll()) {
      if (this.applies(stored)) next.set(stored._id, this.toCalibration(stored));
    }
    // One applied here while the read was in flight is newer than what the read saw.
    for (const [category, mine] of this.calibrations) {
      if (mine.n > (next.get(category)?.n ?? 0)) next.set(category, mine);
    }
    this.calibrations = next;
  }

  private applies(stored: StoredCalibration): boolean {
    if (sameBands(stored.fileBands, this.fileBands(stored._id))) return true;
    if (!this.superseded.has(stored._id)) {
      this.superseded.add(stored._id);
      this.logger.warn({ message: 'the policy file changed the bands of a calibrated category: its bands win', category: stored._id, calibratedBands: stored.bands, calibratedUnder: stored.base });
    }
    return false;
  }

  private fileBands(category: string): BandEdges {
    return rulesFor(this.policy, category).bands;
  }

  private remember(stored: StoredCalibration): void {
    this.calibrations.set(stored._id, this.toCalibration(stored));
  }

  private toCalibration(stored: StoredCalibration): CategoryCalibration {
    return { bands: stored.bands, policyVersion: calibratedVersion(this.policy.version, stored._id, stored.n), n: stored.n };
  }
}

function sameBands(a: BandEdges | undefined, b: BandEdges): boolean {
  return a !== undefined && a.autoApprove === b.autoApprove && a.autoApproveAudit === b.autoApproveAudit && a.humanReview === b.humanReview;
}
