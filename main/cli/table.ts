/** Columns padded to their widest cell (the last one is not padded, so lines carry no trailing blanks). */
export function formatColumns(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((c, n) => Math.max(c.length, ...rows.map((r) => r[n]?.length ?? 0)));
  const line = (cells: readonly string[]) => cells.map((c, n) => (n === cells.length - 1 ? c : c.padEnd(widths[n]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
