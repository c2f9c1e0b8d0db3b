/**
 * Compares what an offline e-KYC file says with what the consumer typed in the eForm. The result
 * is advice for the executive, recorded with the document: spelling and ordering differ in real
 * life, so a difference is flagged, never silently accepted or refused.
 */
export type TKycMatch = {
  name?: 'matches' | 'differs';
  address?: 'matches' | 'differs';
  pinCode?: 'matches' | 'differs';
  notes: string[];
};

const HONORIFICS = new Set(['mr', 'mrs', 'ms', 'miss', 'dr', 'shri', 'smt', 'sri', 'kumari', 'km']);

const tokens = (s: string) =>
  s
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .split(/\s+/)
    .filter(Boolean);

/** Same person's name: the same words in any order, ignoring case, punctuation, honorifics and initials' dots. */
export function namesMatch(a: string, b: string): boolean {
  const clean = (s: string) => tokens(s).filter((t) => !HONORIFICS.has(t));
  const x = clean(a);
  const y = clean(b);
  if (x.length === 0 || y.length === 0) return false;
  const [shorter, longer] = x.length <= y.length ? [x, y] : [y, x];
  // Every word of the shorter name appears in the longer one (an initial matches a word's first letter).
  return shorter.every((t) =>
    longer.some((u) => u === t || (t.length === 1 && u.startsWith(t)) || (u.length === 1 && t.startsWith(u))),
  );
}

/** Same place: at least 60 % of the eForm address's words appear in the e-KYC address. */
export function addressesMatch(formAddress: string, ekycAddress: string): boolean {
  const form = tokens(formAddress).filter((t) => t.length > 1 || /\d/.test(t));
  const ekyc = new Set(tokens(ekycAddress));
  if (form.length === 0) return false;
  return form.filter((t) => ekyc.has(t)).length / form.length >= 0.6;
}

export function compareWithEkyc(
  ekyc: { name: string; address: string; pinCode: string },
  form: { name?: string; address?: string; pinCode?: string },
): TKycMatch {
  const result: TKycMatch = { notes: [] };
  if (form.name !== undefined) {
    result.name = namesMatch(form.name, ekyc.name) ? 'matches' : 'differs';
    if (result.name === 'differs')
      result.notes.push(`name on e-KYC "${ekyc.name}" differs from "${form.name}"`);
  }
  if (form.address !== undefined) {
    result.address = addressesMatch(form.address, ekyc.address) ? 'matches' : 'differs';
    if (result.address === 'differs') result.notes.push('address on e-KYC differs from the eForm');
  }
  if (form.pinCode !== undefined) {
    result.pinCode = form.pinCode === ekyc.pinCode ? 'matches' : 'differs';
    if (result.pinCode === 'differs')
      result.notes.push(`PIN code on e-KYC ${ekyc.pinCode} differs from ${form.pinCode}`);
  }
  return result;
}
