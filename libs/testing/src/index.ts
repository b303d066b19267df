export * from './infra';
export * from './kafka';
export * from './process';
export * from './events';
export * from './tracing';
export * from './wait-for';
export * from './services';
export * from './browser';
