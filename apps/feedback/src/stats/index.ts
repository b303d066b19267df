/** Pure statistics for the feedback service: agreement, calibration, reviewer quality (binomial intervals are in @hitl/platform). */
export * from './agreement';
export * from './calibration-curve';
export * from './reviewer-quality';
