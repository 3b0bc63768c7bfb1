// FatturaPA document types the figures treat apart. Credit notes — ordinary (TD04) and simplified
// (TD08) — reduce revenue: every sum of invoiced amounts counts them negative, and nothing is owed
// on them (no receivable to collect or forecast).

export const CREDIT_NOTE_TYPES: readonly string[] = ['TD04', 'TD08'];

export function isCreditNote(documentType: string): boolean {
  return documentType === 'TD04' || documentType === 'TD08';
}

/** An amount as it adds to revenue: negative for a credit note. */
export function signedCents(documentType: string, cents: number): number {
  return isCreditNote(documentType) ? -cents : cents;
}
