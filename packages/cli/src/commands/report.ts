import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AnlError } from '@anl/core';
import { COMMON_OPTIONS, type Command, log } from '../command';
import { createProgressBar } from '../progress-bar';
import { reportHtml } from '../report/html';
import { buildPlots } from '../report/plots';
import { readCellResults } from '../report/read-results';
import { groupCells } from '../report/summarise';
import { formatTables } from '../report/tables';

export const reportCommand: Command = {
  name: 'report',
  summary: 'tables (mean ± sd over seeds), report.html and every plot as SVG and PNG from cell result files',
  usage: 'anl report PATH... [--out DIR]',
  description:
    'Reads every cell result under the given files or folders (wherever the cells ran; the same cell\n' +
    'twice: the later one counts), prints the tables and writes DIR/report.md, DIR/report.html (self-\n' +
    'contained) and DIR/plots/<plot>.svg and .png.',
  options: {
    out: {
      type: 'string',
      value: 'DIR',
      help: 'where to write (default: PATH/report for one folder, else ./anl-report)',
    },
    title: { type: 'string', default: 'anl report', value: 'TEXT', help: 'page title' },
    ...COMMON_OPTIONS,
  },
  async run({ values, positionals }) {
    if (positionals.length === 0) {
      throw new AnlError('INVALID_ARGUMENT', 'anl report needs at least one result file or sweep folder', {
        argument: 'PATH',
      });
    }
    const { cells, files } = readCellResults(positionals);
    if (cells.length === 0) {
      throw new AnlError(
        'NOT_FOUND',
        `no cell results (anl-cell/1 JSON) under ${positionals.join(', ')}: run anl train --out or anl compare first`,
        {
          argument: 'PATH',
        },
      );
    }
    const out =
      values.out === undefined
        ? positionals.length === 1
          ? join(positionals[0], 'report')
          : 'anl-report'
        : String(values.out);
    mkdirSync(join(out, 'plots'), { recursive: true });
    const tables = formatTables(cells);
    const plots = buildPlots(groupCells(cells));
    const { renderVegaLite } = await import('@anl/attacks/node');
    const bar = createProgressBar({ label: 'plots', total: plots.length });
    const rendered = [];
    const written: string[] = [];
    for (const [i, plot] of plots.entries()) {
      const { svg, png } = await renderVegaLite(plot.spec);
      writeFileSync(join(out, 'plots', `${plot.name}.svg`), svg);
      writeFileSync(join(out, 'plots', `${plot.name}.png`), png);
      writeFileSync(join(out, 'plots', `${plot.name}.vl.json`), `${JSON.stringify(plot.spec)}\n`);
      written.push(join(out, 'plots', `${plot.name}.svg`), join(out, 'plots', `${plot.name}.png`));
      rendered.push({ plot, svg });
      bar.update(i + 1, plot.name);
    }
    bar.finish();
    const c0 = cells[0];
    const intro = `${cells.length} cell results (${files.length} files); data ${[...new Set(cells.map((c) => c.spec.data))].join(', ')}, ${c0.data.nTrain} train / ${c0.data.nTest} test images, ${c0.spec.epochs} epochs, batch ${c0.spec.batch}, ${c0.spec.optimizer} lr ${c0.spec.lr}.`;
    writeFileSync(join(out, 'report.md'), `# ${values.title}\n\n${intro}\n\n${tables}`);
    writeFileSync(
      join(out, 'report.html'),
      reportHtml({ title: String(values.title), intro, tables, plots: rendered }),
    );
    written.push(join(out, 'report.md'), join(out, 'report.html'));
    log(
      `wrote ${join(out, 'report.html')}, ${join(out, 'report.md')} and ${plots.length} plots in ${join(out, 'plots')}`,
    );
    if (values.json) {
      const groups = groupCells(cells).map(({ cells: list, ...g }) => ({ ...g, ids: list.map((c) => c.id) }));
      process.stdout.write(
        `${JSON.stringify({ out, cells: cells.map((c) => c.id), files, groups, plots: plots.map((p) => p.name), written })}\n`,
      );
    } else {
      process.stdout.write(tables);
    }
    return 0;
  },
};
