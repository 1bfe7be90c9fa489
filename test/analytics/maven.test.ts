import { analyticsMavenSuite } from '../suites/analytics-maven.suite';

analyticsMavenSuite('sqlite');
