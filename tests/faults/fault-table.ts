// The fault suite's summary: every case records its name, what data it checked and pass/fail;
// the global teardown prints them as one table at the end of `npm run test:faults`.
export { tableCase as faultCase } from '../support/case-table';
