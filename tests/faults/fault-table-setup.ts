// Global setup/teardown of the faults project: collects the rows written by faultCase and prints the table.
import { caseTableSetup } from '../support/case-table';

export const setup = caseTableSetup('Fault-injection suite', 'data checked');
