import { desc, eq } from 'drizzle-orm';
import type { Config } from '../config';
import { openBytes } from '../lib/at-rest';
import type { Database } from './client';
import { receipts } from './schema';

/**
 * The signed PDF receipt of a request's latest completion, opened (receipts are stored
 * encrypted), or undefined before completion. The caller has authorised the request.
 */
export async function latestReceipt(
  deps: { db: Database; config: Pick<Config, 'payloadCodec'> },
  requestNumber: string,
) {
  const [row] = await deps.db
    .select()
    .from(receipts)
    .where(eq(receipts.requestNumber, requestNumber))
    .orderBy(desc(receipts.revision))
    .limit(1);
  if (!row) return undefined;
  const pdf = openBytes(deps.config.payloadCodec, row.keyId, row.ciphertext, row.id);
  return { pdf, revision: row.revision, sha256: row.sha256 };
}

/** How a receipt is sent: a PDF download named after the request and revision, with its hash. */
export const receiptHeaders = (
  requestNumber: string,
  receipt: { revision: number; sha256: string },
): Record<string, string> => ({
  'content-type': 'application/pdf',
  'content-disposition': `attachment; filename="${requestNumber}-receipt-${receipt.revision}.pdf"`,
  'x-content-sha256': receipt.sha256,
});
