export * from './audit-entry';
export { AUDIT_COLLECTION, AuditAppendError, AuditLog, type AuditLogOptions } from './audit-log';
export { AuditModule } from './audit.module';
