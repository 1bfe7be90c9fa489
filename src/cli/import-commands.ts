// `salescast import <kind> <file>`: load a CRM export into Salescast. See docs/import.md.
import type { Command } from 'commander';
import { Option } from 'commander';
import fs from 'node:fs';
import { ENTITY_KINDS } from '../domain/entity-kinds';
import { AppError } from '../errors';
import { ExitSignal, EXIT, processIo, progressBar, table, withDatabase } from './common';

export function registerImportCommands(program: Command) {
  program
    .command('import')
    .description(
      `Import a CSV, JSON (array) or JSON Lines file of one kind (${ENTITY_KINDS.join(', ')}). ` +
        'Upserts by external id, so re-importing the same file changes nothing. Any invalid row means nothing is written, ' +
        'unless --skip-invalid is given. Mapping format: docs/import.md.',
    )
    .argument('<kind>', `what the file holds: ${ENTITY_KINDS.join(' | ')}`)
    .argument('<file>', 'the file to import (.csv/.txt/.tsv, .json, .jsonl)')
    .option('--map <mapping.json>', 'mapping file: column renames, value maps, date formats, constants, attributes')
    .option('--dry-run', 'validate everything (references included) and report counts, without writing')
    .option('--skip-invalid <rejected.csv>', 'import the valid rows and write the rejected ones, with a reason, to this CSV')
    .option('--delimiter <char>', 'CSV delimiter: one character, "tab" or "whitespace" (default: detected from the header line)')
    .option('--no-header', 'the file has no header line; the mapping names columns by position in "format.columns"')
    .addOption(new Option('--json', 'print the result as JSON'))
    .action(
      async (
        kind: string,
        file: string,
        opts: { map?: string; dryRun?: boolean; skipInvalid?: string; delimiter?: string; header: boolean; json?: boolean },
      ) => {
        const { isEntityKind } = await import('../domain/import/record-fields');
        const { importFile } = await import('../services/import/import-file');
        if (!isEntityKind(kind)) throw new AppError('INVALID_INPUT', `Unknown kind "${kind}"; use one of: ${ENTITY_KINDS.join(', ')}`);
        const total = estimateRows(file);
        const bar = progressBar(processIo, `import ${kind}`, total);
        const result = await withDatabase((db) =>
          importFile(db, {
            kind,
            file,
            mappingPath: opts.map,
            dryRun: opts.dryRun,
            skipInvalid: opts.skipInvalid,
            delimiter: opts.delimiter,
            // commander sets header=true unless --no-header; only override the mapping when asked.
            header: opts.header === false ? false : undefined,
            onProgress: (n) => bar.update(n),
          }),
        ).finally(() => bar.done());
        if (opts.json) processIo.out(JSON.stringify(result, null, 2));
        else {
          const verb = result.dryRun ? 'Dry run (nothing written) of' : 'Imported';
          processIo.out(`${verb} ${kind} from ${file}:`);
          processIo.out(
            table([
              {
                read: result.read,
                inserted: result.inserted,
                updated: result.updated,
                unchanged: result.unchanged,
                rejected: result.rejected,
                ...(result.skippedDuplicates ? { 'skipped duplicates': result.skippedDuplicates } : {}),
                ...(result.filtered ? { filtered: result.filtered } : {}),
              },
            ]),
          );
          if (Array.isArray(result.attributeColumns) && result.attributeColumns.length)
            processIo.out(`custom attributes from: ${result.attributeColumns.join(', ')}`);
          if (result.rejectedFile) processIo.out(`${result.rejected} rejected row(s) written to ${result.rejectedFile}`);
        }
        // Rows were skipped: the import succeeded for the rest, but a cron job should notice.
        if (result.rejected > 0) throw new ExitSignal(EXIT.INVALID_INPUT);
      },
    );
}

/** A row estimate for the progress bar from the file size and its first lines; undefined if unknown. */
function estimateRows(file: string): number | undefined {
  try {
    const size = fs.statSync(file).size;
    const fd = fs.openSync(file, 'r');
    const buf = Buffer.alloc(Math.min(size, 64 * 1024));
    fs.readSync(fd, buf, 0, buf.length, 0);
    fs.closeSync(fd);
    const lines = buf.toString('utf8').split('\n').length - 1;
    if (lines < 2) return undefined;
    return Math.max(1, Math.round((size / buf.length) * lines) - 1);
  } catch {
    return undefined;
  }
}
