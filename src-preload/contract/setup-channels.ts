// First-run channels (the checklist on the Home page): what the data folder already holds, and the
// demo data set for someone who wants to try the app before importing their own history.
import { z } from 'zod';
import { IsoDate, NoArgs } from './common';

const Count = z.number().int().min(0);

export const SetupStatus = z.object({
  invoices: Count,
  /** Invoices paid in full: what the cash-flow model learns from. */
  paidInvoices: Count,
  /** Paid invoices the first model needs before it can be trained. */
  minPaidToTrain: Count,
});
export type SetupStatus = z.infer<typeof SetupStatus>;

export const DemoLoaded = z.object({
  clients: Count,
  invoices: Count,
  paid: Count,
  open: Count,
  firstIssueDate: IsoDate.nullable(),
  lastIssueDate: IsoDate.nullable(),
});
export type DemoLoaded = z.infer<typeof DemoLoaded>;

export const setupChannels = {
  'setup:status': { args: NoArgs, result: SetupStatus },
  /** Fills an empty data folder with demo clients, invoices and payments; refused (NOT_EMPTY) once there are invoices. */
  'setup:loadDemo': { args: NoArgs, result: DemoLoaded },
} as const;
