import { z } from 'zod';

export const ROLES = [
  'consumer',
  'agent',
  'executive',
  'supervisor',
  'dispatcher',
  'csc',
  'ops',
  'admin',
] as const;
export const ZRole = z.enum(ROLES);
export type TRole = z.infer<typeof ZRole>;

/** Staff roles carry an office id and act within that office and its sub-offices. */
export const STAFF_ROLES = ROLES.filter((r) => r !== 'consumer');

/** Who a caller is, after the bearer token is verified. */
export type TPrincipal =
  | { kind: 'consumer'; subject: string; role: 'consumer'; consumerNumbers: string[] }
  | { kind: 'staff'; subject: string; role: Exclude<TRole, 'consumer'>; officeId: string };

/** Roles that see every office (head-office functions). */
export const UNSCOPED_ROLES: ReadonlySet<TRole> = new Set(['admin', 'ops']);
