import { z } from 'zod';
import { ROLES } from './roles';

export const ZRole = z.enum(ROLES);
