// One self-contained page: the tables and every plot as inline SVG (no scripts, no external files).
import type { Plot } from './plots';

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Markdown pipe tables and ### headings (what formatTables writes) to HTML. */
export function markdownTablesToHtml(markdown: string): string {
  const out: string[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith('### ')) out.push(`<h3>${escapeHtml(line.slice(4))}</h3>`);
    else if (line.startsWith('|')) {
      const rows: string[][] = [];
      while (i < lines.length && lines[i].startsWith('|')) {
        rows.push(
          lines[i]
            .slice(1, -1)
            .split('|')
            .map((c) => c.trim()),
        );
        i++;
      }
      i--;
      const [head, , ...body] = rows;
      out.push(
        `<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${body
          .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
          .join('')}</tbody></table>`,
      );
    } else if (line.trim() !== '') out.push(`<p>${escapeHtml(line)}</p>`);
  }
  return out.join('\n');
}

export function reportHtml(options: {
  title: string;
  intro: string;
  tables: string;
  plots: { plot: Plot; svg: string }[];
}): string {
  const figures = options.plots
    .map(
      ({ plot, svg }) =>
        `<figure class="plot" data-plot="${plot.name}" id="${plot.name}">\n<h2>${escapeHtml(plot.title)}</h2>\n${svg}\n<figcaption>${escapeHtml(plot.caption)} <a href="plots/${plot.name}.png">PNG</a> · <a href="plots/${plot.name}.svg">SVG</a></figcaption>\n</figure>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(options.title)}</title>
<style>
body { font-family: 'DejaVu Sans', system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
figure { margin: 2em 0; overflow-x: auto; }
figcaption { color: #555; font-size: 0.9em; }
</style>
</head>
<body>
<h1>${escapeHtml(options.title)}</h1>
<p>${escapeHtml(options.intro)}</p>
${markdownTablesToHtml(options.tables)}
${figures}
</body>
</html>
`;
}
