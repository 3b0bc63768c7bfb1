// One attack class, one row in the printed table: `check` records what the case proved.
export { tableCase as securityCase } from '../support/case-table';
