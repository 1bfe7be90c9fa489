// Date formats as CRM exports write them; impossible dates are refused, never rolled over.
import { compileDateParser, dateFormatProblem, parseIsoDate } from '../../../src/domain/import/parse-date';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

test.each([
  ['DD-MM-YYYY', '26-02-2018', '2018-02-26T00:00:00.000Z'],
  ['DD-MM-YYYY', '6-2-2018', '2018-02-06T00:00:00.000Z'],
  ['DD-MM-YYYY HH:mm', '26-02-2018 19:58', '2018-02-26T19:58:00.000Z'],
  ['YYYYMMDD', '19970101', '1997-01-01T00:00:00.000Z'],
  ['MM/DD/YYYY', '12/31/2017', '2017-12-31T00:00:00.000Z'],
  ['YYYY-MM-DD', '2016-10-20', '2016-10-20T00:00:00.000Z'],
  ['ISO', '2024-03-05T10:20:30.456+02:00', '2024-03-05T08:20:30.456Z'],
  ['UNIX', '1700000000', '2023-11-14T22:13:20.000Z'],
])('%s reads %s', (format, text, expected) => {
  expect(iso(compileDateParser(format)(text))).toBe(expected);
});

test.each([
  ['YYYY-MM-DD', '2023-02-29'],
  ['YYYY-MM-DD', '2023-13-01'],
  ['DD-MM-YYYY', '2018-02-26'],
  ['YYYYMMDD', '1997011'],
  ['ISO', 'yesterday'],
  ['DD-MM-YYYY HH:mm', '26-02-2018 25:00'],
])('%s refuses %s', (format, text) => {
  expect(compileDateParser(format)(text)).toBeNull();
});

test('several formats are tried in order, and ISO is the default', () => {
  const p = compileDateParser(['DD-MM-YYYY HH:mm', 'DD-MM-YYYY']);
  expect(iso(p('01-02-2018'))).toBe('2018-02-01T00:00:00.000Z');
  expect(iso(p('01-02-2018 10:00'))).toBe('2018-02-01T10:00:00.000Z');
  expect(iso(compileDateParser(undefined)('2024-01-31 08:00'))).toBe('2024-01-31T08:00:00.000Z');
  expect(iso(parseIsoDate('2024-01-31Z'))).toBe('2024-01-31T00:00:00.000Z');
});

test('unusable formats are explained', () => {
  expect(dateFormatProblem('DD/MM')).toMatch(/must contain YYYY, MM and DD/);
  expect(dateFormatProblem('YYYY-MM-DD-DD')).toMatch(/repeats/);
  expect(dateFormatProblem('YYYY-MM-DD')).toBeNull();
});
