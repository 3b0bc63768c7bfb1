// A reason or note of an import with its stable code (the Import page says it in the UI's language)
// and its English text (the CLI, logs and the downloadable summary).
import { InputError } from '../errors';
import { englishImportMessage, type ImportMessage, type ImportMessageCode } from '../../../src-preload/contract/import-messages';

export type { ImportMessage };

export interface CodedText {
  text: string;
  message: ImportMessage;
}

export function coded(code: ImportMessageCode, params: ImportMessage['params'] = {}): CodedText {
  const message = { code, params };
  return { text: englishImportMessage(message), message };
}

/** Bad input whose refusal also travels as a code (the Import page says it in the UI's language); the text stays what the CLI prints. */
export class CodedInputError extends InputError {
  constructor(
    message: string,
    field: string,
    readonly coded: ImportMessage,
  ) {
    super(message, field);
    this.name = 'CodedInputError';
  }
}
