// Names of the steps long work reports (retrain:progress, index:progress), in the UI's words: the
// services speak in codes ("collect", "refit") that must never reach the screen as they are.
import { MESSAGES, type MessageKey } from './catalog';
import type { Translate } from './translate';

export function progressStepLabel(t: Translate, step: string): string {
  const key = `step.${step}` as MessageKey;
  return key in MESSAGES ? t(key) : t('step.working');
}
