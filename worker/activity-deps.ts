import type { ActivityDeps } from '../activities';
import { createRecordingNotifier } from '../activities/notifications';
import type { Config } from '../config';
import type { Database } from '../db/client';
import { createFeedbackLinks } from '../lib/feedback-links';
import { createReceiptSigner, createReceiptVerifier } from '../lib/receipt-pdf';
import { loadSigningMaterial } from '../lib/signing-material';

/**
 * The production wiring of what activities depend on, plus the receipt verifier the API needs
 * (it trusts the same anchors). Tests and `npm start` both build their worker from this.
 */
export async function createActivityDeps(config: Config, db: Database) {
  const material = await loadSigningMaterial({
    ...config.receipts,
    organisation: config.utilityName,
  });
  const signer = createReceiptSigner(material);
  const deps: ActivityDeps = {
    db,
    now: () => new Date(),
    notifier: createRecordingNotifier(db),
    feedbackLinks: createFeedbackLinks(config),
    atRestKeys: config.payloadCodec,
    receipts: { issuer: config.utilityName, publicUrl: config.http.publicUrl, ...signer },
  };
  return { deps, verifyReceipt: createReceiptVerifier(material.trustAnchorsPem) };
}
