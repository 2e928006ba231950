/**
 * A cell's block of a run's `logs/console.log`: the header line naming the cell (consoleHeader),
 * then what it printed — stdout, stderr and an error's traceback — in the order it printed it.
 */
import { consoleHeader, type LogCellOutputs } from '@lablog/schema';

/** The block of `cell`, ending with a newline; null when the cell printed nothing. */
export function consoleBlock(cell: LogCellOutputs): string | null {
  const body = cell.text.map((t) => (t.stream === 'error' && !t.text.endsWith('\n') ? `${t.text}\n` : t.text)).join('');
  if (body === '') return null;
  return `${consoleHeader(cell.execution_count, cell.started)}\n${body}${body.endsWith('\n') ? '' : '\n'}`;
}
