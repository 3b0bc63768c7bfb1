// Import reasons and notes in the UI's language: a coded message becomes its sentence with its
// figures in the locale's number format. A message without a code, or a code this renderer does
// not know, shows the English text that main sent alongside.
import { fillImportTemplate, IMPORT_MESSAGE_EN, isImportMessageCode, type ImportMessage, type ImportMessageCode } from '../../src-preload/contract/import-messages';
import type { ImportItem } from '../../src-preload/contract/import-channels';
import type { Language } from '../i18n/catalog';
import { formatNumber } from './money';

export const IMPORT_MESSAGE_IT: Record<ImportMessageCode, string> = {
  'file-empty': 'è vuoto',
  'file-too-large': 'pesa {bytes} byte, più di {max}',
  'not-xml-p7m-zip': 'non è un file .xml, .p7m o .zip',
  'symlink-ignored': 'collegamento simbolico, non seguito',
  'sdi-notice': 'file SDI {root}, non una fattura',
  'zip-unreadable': 'non è un archivio zip leggibile ({detail})',
  'zip-damaged': "l'archivio è danneggiato ({detail})",
  'zip-unsafe-name': "nome non sicuro nell'archivio ({detail})",
  'zip-too-deep': 'archivi annidati per più di {max} livelli',
  'zip-entry-too-large': 'più di {max} byte una volta estratto',
  'zip-entry-unreadable': "non si può leggere dall'archivio ({detail})",
  'read-failed': 'non è stato possibile leggerlo: {detail}',
  'cannot-read': 'non si può leggere ({detail})',
  'p7m-envelope-unreadable': 'la busta firmata non si può leggere ({detail})',
  'p7m-not-signed-data': 'la busta non è un PKCS#7 SignedData (tipo di contenuto {type})',
  'p7m-damaged': 'la struttura SignedData è danneggiata ({detail})',
  'p7m-detached': 'la firma è separata: il file non contiene la fattura firmata',
  'p7m-empty': 'il contenuto firmato è vuoto',
  'p7m-altered': "il contenuto firmato non corrisponde all'impronta {algorithm} della firma: la fattura è stata modificata dopo la firma",
  'p7m-not-der-or-base64': 'non è un file firmato (.p7m) né DER né Base64',
  'p7m-too-nested': 'più di {max} firme annidate',
  'bom-not-utf8': 'inizia con il BOM UTF-8 ma non è UTF-8 valido',
  'encoding-unreadable': 'dichiara la codifica "{encoding}", che non si può leggere',
  'xml-doctype': 'contiene una dichiarazione DOCTYPE o ENTITY, che FatturaPA non ammette',
  'xml-not-well-formed': 'non è XML ben formato (riga {line}, colonna {column}: {detail}): troncato o danneggiato?',
  'xml-unparsable': 'non si può leggere come XML ({detail})',
  'xml-no-root': 'non ha un elemento radice',
  'not-fatturapa': 'non è una fattura FatturaPA (elemento radice <{root}>)',
  'no-body': 'non ha FatturaElettronicaBody',
  'field-missing': 'manca {path}',
  'not-an-amount': '{path}: "{value}" non è un importo',
  'amount-too-large': '{path}: "{value}" è troppo grande',
  'not-a-number': '{path}: "{value}" non è un numero',
  'not-a-date': '{path}: "{value}" non è una data (AAAA-MM-GG)',
  'party-no-name': '{path}: manca Denominazione o Nome/Cognome',
  'line-no-price': '{path}: manca sia PrezzoUnitario sia PrezzoTotale',
  'issuer-no-id': 'CedentePrestatore non ha né IdFiscaleIVA né CodiceFiscale',
  'bad-document-type': '{path}: "{value}" non è un tipo documento FatturaPA (TD01…TD29)',
  'no-lines': '{path} non ha righe',
  'not-your-firm': "né l'emittente ({issuer}) né il cliente ({customer}) sono la tua azienda ({firm})",
  'number-invalid': 'Numero {detail}',
  'not-eur': 'gli importi sono in {currency}; si importano solo fatture in EUR',
  'same-as-earlier-file': 'stessa fattura di {file}',
  'conflicts-with-earlier-file': 'stessi emittente, tipo, numero e data di {file}, ma contenuto diverso: non unita',
  'already-imported': 'già importata',
  'changed-since-import': 'già importata con contenuto diverso (il file è cambiato): non unita',
  'number-used': 'il numero {ref} ({type}) è già usato dalla fattura del {date}',
  'exists-from-app': 'la fattura {ref} del {date} esiste già (creata nell’app): non unita',
  'exists-from-csv': 'la fattura {ref} del {date} esiste già (importata da CSV): non unita',
  'write-failed': 'non è stato possibile scriverla: {detail}',
  'statement-invalid': 'non è un estratto conto valido: {detail}',
  'statement-too-large': 'pesa {bytes} byte; un estratto conto può pesare al massimo {max} byte',
  'statement-too-many-entries': 'ha più di {max} movimenti',
  'camt-doctype': 'contiene una dichiarazione DOCTYPE o ENTITY, che CAMT.053 non ammette',
  'not-camt053': 'non è un estratto CAMT.053 (elemento radice <{root}>, atteso <Document>)',
  'camt-namespace': 'Document: atteso il namespace urn:iso:std:iso:20022:tech:xsd:camt.053.001.02–.08, trovato "{namespace}"',
  'camt-version': 'camt.053.001.{version} non è supportato (lo sono le versioni da 001.02 a 001.08)',
  'camt-missing': "manca l'elemento {path}",
  'statement-account-required': "un CSV non indica il proprio conto: inserisci l'IBAN del conto a cui si riferisce",
  'csv-unreadable': 'non è un file CSV leggibile ({detail})',
  'csv-column-missing': 'la colonna "{column}" (per {target}) non è nell’intestazione (colonne: {columns})',
  'csv-no-date-column': 'manca la colonna della data contabile',
  'csv-no-amount-column': "manca la colonna dell'importo: scegli l'importo (con segno) oppure le colonne Avere e Dare",
  'csv-no-text-column': "manca la colonna della causale o dell'ordinante: l'abbinamento ha bisogno del testo del bonifico",
  'csv-dates-ambiguous': 'le date si leggono sia come giorno/mese sia come mese/giorno (es. "{example}"): scegli il formato delle date',
  'due-defaulted': 'vuota: impostata al {date} (data di emissione + {days} giorni, i termini del cliente)',
  'due-defaulted-eom': 'vuota: impostata al {date} (data di emissione + {days} giorni fine mese, i termini del cliente)',
  'payments-kept': "i pagamenti registrati dopo l'ultima importazione restano ({paid} pagati, il file dice {file})",
  'instalments-undated': '{count} rate senza data di scadenza: scadono alla data di emissione',
  'no-payment-data': 'nessun DatiPagamento: una rata con scadenza 30 giorni dopo la data di emissione',
  'client-id-format-matched': 'cliente {id} {value} non nel formato {id}: riconosciuto dal nome',
  'client-id-check-matched': 'cliente {id} {value} con carattere di controllo errato (atteso {expected}): riconosciuto dal nome',
  'client-id-format-kept': 'cliente {id} {value} non nel formato {id}; conservato nelle note del cliente',
  'client-id-check-kept': 'cliente {id} {value} con carattere di controllo errato (atteso {expected}); conservato nelle note del cliente',
  'csv-truncated': 'troncata: {got} colonne su {expected} (mancano {missing})',
  'csv-required': 'è obbligatorio',
  'csv-bad-date': '"{value}" non è una data valida nel formato {format}',
  'csv-bad-date-hint': '"{value}" non è una data valida nel formato {format} (come {other} sarebbe il {date}: scegli il formato {other})',
  'csv-bad-amount': '"{value}" non è un importo in euro (come 1234.56 o 1.234,56)',
  'csv-not-positive': 'deve essere maggiore di 0, trovato "{value}"',
  'csv-bad-whole-number': 'atteso un numero intero tra {min} e {max}, trovato "{value}"',
  'csv-before-issue': '{date} è precedente alla data di emissione {issue}',
  'csv-paid-date-required': 'è obbligatorio quando è indicato paid_amount',
  'csv-paid-over-total': '{paid} supera il totale {total}',
  'csv-year-mismatch': "{year} non corrisponde alla data di emissione {issue}",
  'csv-bad-yes-no': 'atteso sì/no, true/false o 1/0, trovato "{value}"',
  'csv-too-long': 'al massimo {max} caratteri, trovati {length}',
  'csv-client-required': 'è obbligatorio (oppure id, P.IVA o nome del cliente)',
  'csv-bad-document-type': 'deve essere un tipo documento FatturaPA come TD01, trovato "{value}"',
  'csv-no-client': 'nessun cliente con id {id}',
  'csv-client-name-required': 'è obbligatorio per creare il cliente con P.IVA {piva}',
  'csv-same-row-differs': 'stessi cliente, numero e data di emissione della riga {line}, con altri valori',
  'csv-number-used': '{ref} è già usato dalla fattura del {date} a {client}',
  'csv-exists-from-app': "{ref} esiste già (creata nell'app): non aggiornata",
  'csv-exists-from-fatturapa': '{ref} esiste già (importata da FatturaPA): non aggiornata',
  'csv-total-below-paid': '{total} è meno dei {paid} già pagati su questa fattura',
  'tolerated-p7m-unnamed': 'contenuto firmato in un file senza estensione .p7m',
  'tolerated-cp1252-undeclared': 'nessuna codifica dichiarata ma i byte non sono UTF-8: letto come windows-1252',
  'tolerated-cp1252-declared': 'dichiara {encoding} ma i byte non sono UTF-8: letto come windows-1252',
  'tolerated-decimal-comma': '{path}: virgola decimale in "{value}"',
  'tolerated-few-decimals': '{path}: "{value}" ha meno di 2 decimali',
  'tolerated-date-time': '{path}: "{value}" contiene un orario o un fuso; si usa la data {date}',
  'tolerated-no-payment-method': 'manca {path}/ModalitaPagamento',
  'tolerated-total-computed': 'manca {path}/PrezzoTotale; calcolato da quantità × prezzo',
  'tolerated-versione-fsm10': 'versione "{versione}" su una fattura semplificata: letta come FSM10',
  'tolerated-versione': 'versione "{versione}" non è FPR12/FPA12: letta come {format}',
  'tolerated-no-vat-summary': 'manca {path}/DatiRiepilogo; il riepilogo IVA è calcolato dalle righe',
  'tolerated-no-total': 'manca {path}/ImportoTotaleDocumento; il totale è imponibile + IVA + bollo',
  'tolerated-customer-no-id': 'CessionarioCommittente non ha né IdFiscaleIVA né CodiceFiscale: il cliente è riconosciuto dal nome',
};

/** A coded message in `lang`, or null when it has no code this renderer knows. */
export function importMessageText(m: ImportMessage | null | undefined, lang: Language): string | null {
  if (!m || !isImportMessageCode(m.code)) return null;
  const template = lang === 'it' ? IMPORT_MESSAGE_IT[m.code] : IMPORT_MESSAGE_EN[m.code];
  const text = fillImportTemplate(template, m.params, (n) => formatNumber(n, lang, 0));
  // A CSV reason names its field and column first, a CSV note its field, as the English text does.
  if (typeof m.params.field !== 'string') return text;
  return typeof m.params.csvColumn === 'string' ? `${m.params.field} (${m.params.csvColumn}): ${text}` : `${m.params.field}: ${text}`;
}

/** An item's reason and notes as the page shows them. */
export function importItemTexts(item: ImportItem, lang: Language): { reason: string | null; notes: string[] } {
  const reason = item.reasonParts?.length ? item.reasonParts.map((p) => importMessageText(p.message, lang) ?? p.text).join('; ') : (importMessageText(item.reasonMessage, lang) ?? item.reason);
  const notes = item.notes.map((n, i) => importMessageText(item.noteMessages?.[i], lang) ?? n);
  return { reason, notes };
}
