// A model's name for people ("Previsione incassi"), its code only when the catalog has no name for it.
import { MESSAGES, type MessageKey } from './catalog';
import type { Translate } from './translate';

export function modelLabel(t: Translate, model: string): string {
  const key = `models.name.${model}` as MessageKey;
  return key in MESSAGES ? t(key) : model;
}
