// mt940js ships no types: what lib/bank-statement.ts uses of it.
declare module 'mt940js' {
  export type Mt940Transaction = {
    date: Date;
    amount: number;
    reversal: boolean;
    currency: string;
    details: string;
    transactionType: string;
    reference: string;
    bankReference?: string;
    extraDetails?: string;
  };
  export type Mt940Statement = {
    transactionReference: string;
    relatedReference?: string;
    accountIdentification: string;
    currency: string;
    statementDate: Date;
    transactions: Mt940Transaction[];
  };
  export class Parser {
    constructor(options?: { no86Structure?: boolean });
    parse(data: string, withTags?: boolean): Mt940Statement[];
  }
}
