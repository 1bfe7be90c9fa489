import { migrationsSuite } from '../suites/migrations.suite';

migrationsSuite('sqlite');
