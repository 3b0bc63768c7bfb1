// Ordered list of every migration. Static imports (not a folder scan) so bundled builds carry them.
import { migration0001 } from './0001-initial';
import { migration0002 } from './0002-feedback-analytics';
import { migration0003 } from './0003-feedback-lean-indexes';
import { migration0004 } from './0004-invoice-year-index';
import { migration0005 } from './0005-rag-embedding-hash';
import { migration0006 } from './0006-retraining-messages';
import { migration0007 } from './0007-invoice-number-text';
import { migration0008 } from './0008-conversations';
import { migration0009 } from './0009-retraining-trust';
import { migration0010 } from './0010-bank';
import { migration0011 } from './0011-request-keys';
import type { Migration } from './types';

export const MIGRATIONS: readonly Migration[] = [migration0001, migration0002, migration0003, migration0004, migration0005, migration0006, migration0007, migration0008, migration0009, migration0010, migration0011];
