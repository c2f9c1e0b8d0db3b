import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes. They are NOT encrypted: never put names, phones, e-mails,
 * addresses or ID numbers here. The dev server's SQLite store allows at most 10 custom
 * Keyword attributes and 3 of each other type; this budget uses 7 Keyword, 1 Datetime, 1 Int.
 */
export const SA = {
  RequestNumber: defineSearchAttributeKey('RequestNumber', SearchAttributeType.KEYWORD),
  ConsumerNumber: defineSearchAttributeKey('ConsumerNumber', SearchAttributeType.KEYWORD),
  RequestType: defineSearchAttributeKey('RequestType', SearchAttributeType.KEYWORD),
  RequestKind: defineSearchAttributeKey('RequestKind', SearchAttributeType.KEYWORD),
  OfficeId: defineSearchAttributeKey('OfficeId', SearchAttributeType.KEYWORD),
  RequestStatus: defineSearchAttributeKey('RequestStatus', SearchAttributeType.KEYWORD),
  Channel: defineSearchAttributeKey('Channel', SearchAttributeType.KEYWORD),
  SlaDueAt: defineSearchAttributeKey('SlaDueAt', SearchAttributeType.DATETIME),
  EscalationLevel: defineSearchAttributeKey('EscalationLevel', SearchAttributeType.INT),
} as const;

/** The `--search-attribute Name=Type` flags for `temporal server start-dev`. */
export const SEARCH_ATTRIBUTE_FLAGS: string[] = Object.values(SA).map((key) => {
  const cliType: Record<string, string> = {
    [SearchAttributeType.KEYWORD]: 'Keyword',
    [SearchAttributeType.DATETIME]: 'Datetime',
    [SearchAttributeType.INT]: 'Int',
  };
  return `${key.name}=${cliType[key.type]}`;
});
