/** One admin write as the audit log stores it: who, what route, which tenant, and the status answered. */
export interface AdminAuditRecord {
  targetBusinessId: string | null;
  keyId: string;
  role: string;
  method: string;
  route: string;
  status: number;
  requestId: string | null;
}

/**
 * Port: where the admin audit interceptor writes. Bound by the access module (an append-only Postgres table); the
 * interceptor here only knows the contract, as the admin guard only knows `AdminPrincipalResolver`.
 */
export abstract class AdminAuditLog {
  /** Resolves once the entry is stored (or its failure logged): never rejects, so the write's answer stands. */
  abstract record(entry: AdminAuditRecord): Promise<void>;
}
