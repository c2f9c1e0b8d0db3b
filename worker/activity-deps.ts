import type { ActivityDeps } from '../activities';
import type { Config } from '../config';
import type { Client } from '@temporalio/client';
import type { Database } from '../db/client';
import { createNoticeProviders } from '../lib/notice-providers';
import { createFeedbackLinks } from '../lib/feedback-links';
import { loadPdfFonts } from '../lib/pdf-text';
import { createReceiptSigner, createReceiptVerifier } from '../lib/receipt-pdf';
import { loadEkycTrustAnchors, loadSigningMaterial } from '../lib/signing-material';

/**
 * The production wiring of what activities depend on, plus the receipt verifier and e-KYC trust
 * anchors the API needs. Tests and `npm start` both build their worker from this.
 */
export async function createActivityDeps(config: Config, db: Database, temporal: Client) {
  const material = await loadSigningMaterial(config.receipts);
  const signer = createReceiptSigner(material);
  // At start, not at the first receipt: missing fonts name their package before anything runs.
  const fonts = loadPdfFonts(config.pdfFonts.dir);
  const deps: ActivityDeps = {
    db,
    now: () => new Date(),
    providers: createNoticeProviders(config, db, fonts),
    notices: config.notices,
    campaigns: config.campaigns,
    temporal,
    taskQueue: config.temporal.taskQueue,
    feedbackLinks: createFeedbackLinks(config),
    atRestKeys: config.payloadCodec,
    receipts: { issuer: config.utilityName, publicUrl: config.http.publicUrl, fonts, ...signer },
  };
  const ekyc = await loadEkycTrustAnchors(config.ekyc);
  return {
    deps,
    verifyReceipt: createReceiptVerifier(material.trustAnchorsPem),
    ekycTrustAnchorsPem: ekyc.trustAnchorsPem,
    /** development only: signs demo and test e-KYC files */
    ekycDevSignerKeyPem: ekyc.devSignerKeyPem,
  };
}
