// Global setup/teardown of the security project: collects the rows written by securityCase and prints
// the attack-class table at the end of `npm run test:security`.
import { caseTableSetup } from '../support/case-table';

export const setup = caseTableSetup('Security suite (attack classes)', 'what was checked');
