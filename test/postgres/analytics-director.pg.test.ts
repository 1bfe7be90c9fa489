import { analyticsDirectorSuite } from '../suites/analytics-director.suite';

analyticsDirectorSuite('postgresql');
