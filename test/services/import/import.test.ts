import { importSuite } from '../../suites/import.suite';

importSuite('sqlite');
