/** No zod here (workflows load this module); the schema is `ZRole` in `roles-schema.ts`. */
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
export type TRole = (typeof ROLES)[number];

/** Staff roles carry an office id and act within that office and its sub-offices. */
export const STAFF_ROLES = ROLES.filter((r) => r !== 'consumer');

/** Who a caller is, after the bearer token is verified. */
export type TPrincipal =
  | { kind: 'consumer'; subject: string; role: 'consumer'; consumerNumbers: string[] }
  | { kind: 'staff'; subject: string; role: Exclude<TRole, 'consumer'>; officeId: string };

/** Roles that see every office (head-office functions). */
export const UNSCOPED_ROLES: ReadonlySet<TRole> = new Set(['admin', 'ops']);
