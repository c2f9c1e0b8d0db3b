import { and, desc, eq, inArray, notInArray } from 'drizzle-orm';
import type { TLanguage } from '../domain/languages';
import { listComplaintTypes, listServiceTypes } from './catalogue';
import type { Database } from './client';
import { complaints, openComplaints, serviceRequests } from './schema';

export type TConsumerRequest = {
  kind: 'complaint' | 'service-request';
  requestNumber: string;
  typeCode: string;
  name: string;
  status: string;
  dueAt: string | null;
  submittedAt: string | null;
  closedAt: string | null;
};

const OPEN_REQUEST_STATUSES = ['in-progress', 'awaiting-consumer'];

/**
 * A consumer's complaints and service requests, newest first, from the read models. A complaint
 * made a moment ago is listed from its intake slot before the workflow's first write lands.
 * `language`: each named from the catalogue's translations (English where it has none); without
 * it, as the catalogue names them in English.
 */
export async function requestsOfConsumer(
  db: Database,
  consumerNumber: string,
  options: { openOnly: boolean; limit: number; language?: TLanguage },
): Promise<TConsumerRequest[]> {
  const { language } = options;
  type TNamed = { code: string; name: string; translations: Partial<Record<TLanguage, { name?: string }>> };
  const nameIn = (t: TNamed) => (language && t.translations[language]?.name) || t.name;
  const [complaintTypes, serviceTypes] = await Promise.all([
    listComplaintTypes(db),
    language && language !== 'en' ? listServiceTypes(db) : [],
  ]);
  const names = new Map(complaintTypes.map((t) => [t.code, nameIn(t)]));
  const serviceNames = new Map(serviceTypes.map((t) => [t.code, nameIn(t)]));
  const [slots, made, requests] = await Promise.all([
    db
      .select()
      .from(openComplaints)
      .where(eq(openComplaints.consumerNumber, consumerNumber))
      .orderBy(desc(openComplaints.openedAt))
      .limit(options.limit),
    db
      .select()
      .from(complaints)
      .where(
        and(
          eq(complaints.consumerNumber, consumerNumber),
          options.openOnly ? notInArray(complaints.status, ['closed']) : undefined,
        ),
      )
      .orderBy(desc(complaints.submittedAt))
      .limit(options.limit),
    db
      .select()
      .from(serviceRequests)
      .where(
        and(
          eq(serviceRequests.consumerNumber, consumerNumber),
          options.openOnly ? inArray(serviceRequests.status, OPEN_REQUEST_STATUSES) : undefined,
        ),
      )
      .orderBy(desc(serviceRequests.submittedAt))
      .limit(options.limit),
  ]);
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  const seen = new Set(made.map((c) => c.requestNumber));
  const items: TConsumerRequest[] = [
    ...slots
      .filter((s) => !seen.has(s.requestNumber))
      .map((s) => ({
        kind: 'complaint' as const,
        requestNumber: s.requestNumber,
        typeCode: s.typeCode,
        name: names.get(s.typeCode) ?? s.typeCode,
        status: 'open',
        dueAt: null,
        submittedAt: iso(s.openedAt),
        closedAt: null,
      })),
    ...made.map((c) => ({
      kind: 'complaint' as const,
      requestNumber: c.requestNumber,
      typeCode: c.typeCode,
      name: names.get(c.typeCode) ?? c.typeCode,
      status: c.status,
      dueAt: iso(c.dueAt),
      submittedAt: iso(c.submittedAt),
      closedAt: iso(c.closedAt),
    })),
    ...requests.map((r) => ({
      kind: 'service-request' as const,
      requestNumber: r.requestNumber,
      typeCode: r.typeCode,
      name: serviceNames.get(r.typeCode) ?? r.state?.typeName ?? r.typeCode,
      status: r.status,
      dueAt: iso(r.dueAt),
      submittedAt: iso(r.submittedAt),
      closedAt: iso(r.closedAt),
    })),
  ];
  return items
    .sort((a, b) => (b.submittedAt ?? '').localeCompare(a.submittedAt ?? ''))
    .slice(0, options.limit);
}
