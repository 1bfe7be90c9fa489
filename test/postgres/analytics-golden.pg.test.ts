import { analyticsGoldenSuite } from '../suites/analytics-golden.suite';

analyticsGoldenSuite('postgresql');
