// FatturaPA's ModalitaPagamento codes ⇄ the app's payment methods, used by the import (code → method)
// and the writer (method → code), so a written file imports back to the same method.

/** ModalitaPagamento → the app's payment methods. */
const METHOD_OF_CODE: Record<string, string> = {
  MP01: 'contanti', MP02: 'assegno', MP03: 'assegno', MP05: 'bonifico', MP07: 'altro', MP08: 'carta',
  MP09: 'rid', MP10: 'rid', MP11: 'rid', MP12: 'riba', MP19: 'rid', MP20: 'rid', MP21: 'rid',
};

/** The app's payment methods → the ModalitaPagamento a writer uses for them. */
const CODE_OF_METHOD: Record<string, string> = {
  contanti: 'MP01', assegno: 'MP02', bonifico: 'MP05', altro: 'MP07', carta: 'MP08', rid: 'MP09', riba: 'MP12',
};

/** When an instalment names no method: a bank transfer, the usual way invoices are paid. */
export const DEFAULT_MODALITA_PAGAMENTO = 'MP05';

export function appMethodOf(code: string): string {
  return METHOD_OF_CODE[code] ?? 'altro';
}

export function modalitaPagamentoOf(method: string): string | null {
  return CODE_OF_METHOD[method] ?? null;
}
