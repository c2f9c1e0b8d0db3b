/**
 * A back-office decision from the command line, signed as the executive's own client would:
 *   npm run -s decide -- --token $E --rn SR-2026-000004-6 --action decide-document \
 *     --body '{"documentId":"…","decision":"accept"}'
 * The executive's Ed25519 key lives in <DATA_DIR>/keys/staff/<subject>.pem (created on first use)
 * and is registered with POST /v1/signing-keys; only its public half ever leaves this machine.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeJwt } from 'jose';
import { loadConfig } from '../config';
import { decisionMessage } from '../domain/decision-signature';
import { generateEd25519, signEd25519 } from '../lib/ed25519';

const usage =
  'usage: npm run -s decide -- --token <staff token> --rn <Request Number> --action <decide-document|request-documents|approve-step|reject|report-delay|reassign> --body <JSON>';

async function main() {
  const { values } = parseArgs({
    options: {
      token: { type: 'string' },
      rn: { type: 'string' },
      action: { type: 'string' },
      body: { type: 'string', default: '{}' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return console.log(usage);
  if (!values.token || !values.rn || !values.action) throw new Error(usage);
  const config = loadConfig();
  const base = config.http.publicUrl;
  const subject = decodeJwt(values.token).sub;
  if (!subject) throw new Error('the token has no subject');
  const body = JSON.parse(values.body) as Record<string, unknown>;

  const keyPath = join(config.dataDir, 'keys', 'staff', `${subject.replace(/[^A-Za-z0-9._-]/g, '_')}.pem`);
  const newKey = async () => {
    await mkdir(join(config.dataDir, 'keys', 'staff'), { recursive: true });
    const { privateKey } = generateEd25519();
    await writeFile(keyPath, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  };
  if (!existsSync(keyPath)) await newKey();
  const headers = { authorization: `Bearer ${values.token}`, 'content-type': 'application/json' };
  const register = async () => {
    const key = createPrivateKey(await readFile(keyPath));
    const x = createPublicKey(key).export({ format: 'jwk' }).x!;
    const res = await fetch(`${base}/v1/signing-keys`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ publicKey: x, label: 'npm run decide' }),
    });
    return { key, res };
  };
  let { key: privateKey, res: registered } = await register();
  if (registered.status === 409 && /revoked/.test(await registered.clone().text())) {
    // A revoked key signs nothing any more: make a new one, as the executive's client would.
    console.error('the stored key was revoked; registering a new one');
    await newKey();
    ({ key: privateKey, res: registered } = await register());
  }
  if (registered.status >= 300)
    throw new Error(`key registration: ${registered.status} ${await registered.text()}`);
  const { keyId } = (await registered.json()) as { keyId: string };

  const signedAt = new Date().toISOString();
  const message = decisionMessage({ requestNumber: values.rn, action: values.action, body, signedAt });
  const res = await fetch(`${base}/v1/service-requests/${values.rn}/${values.action}`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      ...body,
      signature: { keyId, signedAt, value: signEd25519(privateKey, message) },
    }),
  });
  console.log(await res.text());
  if (res.status >= 300) process.exit(1);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
});
