export { poolSuite } from '../suites/pool.suite.ts';
export { workerSuite } from '../suites/worker.suite.ts';
