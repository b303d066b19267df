/** Pure statistics for the feedback service: intervals, agreement, calibration, reviewer quality. */
export * from './intervals';
export * from './agreement';
export * from './calibration-curve';
export * from './reviewer-quality';
