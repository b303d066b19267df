export * from './intervals';
export * from './bins';
export * from './weighted-bound';
export * from './calibration';
export * from './certify';
export * from './cusum';
export * from './audit-rate';
export * from './simulation';
