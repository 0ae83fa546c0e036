/**
 * The command palette's list: every command (open a shell on any instance, start or stop a tunnel,
 * sign in or out, refresh, settings, theme…) ranked against what was typed. Pure, so ranking is
 * tested without a browser.
 *
 * Matching: every typed word must match the command, either as a substring (anywhere in the title,
 * detail or keywords) or as a subsequence of the title ("pw1" → "prod-web-1"). Title matches rank
 * above detail matches, word starts above the middle of a word, and among equals the commands run
 * most recently come first.
 */

export type PaletteGroup = 'Recent' | 'Action' | 'Instance' | 'Tunnel' | 'View';

export interface PaletteCommand {
  /** Stable across openings, so "recent" can remember it: `shell:<key>`, `tunnel.start:<id>`, `action:refresh`… */
  id: string;
  title: string;
  detail?: string;
  group: Exclude<PaletteGroup, 'Recent'>;
  /** More text to match (tags, IPs, ids, synonyms). */
  keywords?: string;
  run(): unknown;
}

const GROUP_ORDER: Record<PaletteCommand['group'], number> = { Action: 0, View: 1, Tunnel: 2, Instance: 3 };

const isWordStart = (text: string, at: number) => at === 0 || /[\s\-_./·:@()]/.test(text[at - 1]!);

/** How well one word matches, or null. */
function wordScore(word: string, title: string, rest: string): number | null {
  const inTitle = title.indexOf(word);
  if (inTitle >= 0) {
    // Prefer the earliest word-start occurrence over an earlier mid-word one.
    let at = inTitle;
    for (let i = inTitle; i >= 0; i = title.indexOf(word, i + 1)) {
      if (isWordStart(title, i)) {
        at = i;
        break;
      }
    }
    return 100 + (isWordStart(title, at) ? 40 : 0) + (at === 0 ? 20 : 0) - Math.min(at, 30) / 3;
  }
  const inRest = rest.indexOf(word);
  if (inRest >= 0) return 50 + (isWordStart(rest, inRest) ? 10 : 0);
  // Subsequence of the title, preferring word starts ("pdb" → Prod-Db-Bastion); skipped characters cost a little.
  let from = 0;
  let gaps = 0;
  let starts = 0;
  for (const ch of word) {
    let found = -1;
    for (let i = title.indexOf(ch, from); i >= 0; i = title.indexOf(ch, i + 1)) {
      if (isWordStart(title, i)) {
        found = i;
        break;
      }
    }
    if (found < 0) found = title.indexOf(ch, from);
    else starts++;
    if (found < 0) return null;
    gaps += found - from;
    from = found + 1;
  }
  return Math.max(1, 20 + 8 * starts - gaps / 2);
}

export function scoreCommand(command: PaletteCommand, words: readonly string[]): number | null {
  const title = command.title.toLowerCase();
  const rest = `${command.detail ?? ''} ${command.keywords ?? ''}`.toLowerCase();
  let total = 0;
  for (const word of words) {
    const s = wordScore(word, title, rest);
    if (s === null) return null;
    total += s;
  }
  return total;
}

export const queryWords = (query: string) => query.toLowerCase().split(/\s+/).filter(Boolean);

export interface RankedCommand {
  command: PaletteCommand;
  /** 'Recent' for recently run commands when nothing is typed. */
  group: PaletteGroup;
}

/**
 * The commands to show, best first. `recent`: command ids, most recent first. With nothing typed:
 * recent commands, then actions, views, tunnels and instances in that order.
 */
export function rankCommands(commands: readonly PaletteCommand[], query: string, recent: readonly string[], limit = 50): RankedCommand[] {
  const words = queryWords(query);
  const recency = new Map(recent.map((id, i) => [id, recent.length - i]));
  const boost = (r: number) => (r === 0 ? 0 : words.length ? 8 + r / recent.length : 1000 + r);
  const scored: Array<{ command: PaletteCommand; score: number; recent: number }> = [];
  for (const command of commands) {
    const score = words.length ? scoreCommand(command, words) : 0;
    if (score === null) continue;
    scored.push({ command, score, recent: recency.get(command.id) ?? 0 });
  }
  scored.sort(
    (a, b) =>
      // Typed: recency settles near-ties only. Empty: recency is the order.
      b.score + boost(b.recent) - (a.score + boost(a.recent)) ||
      GROUP_ORDER[a.command.group] - GROUP_ORDER[b.command.group] ||
      a.command.title.localeCompare(b.command.title),
  );
  return scored.slice(0, limit).map(({ command, recent: r }) => ({ command, group: !words.length && r ? 'Recent' : command.group }));
}

/** The recent list after running `id`: it moves to the front; at most `max` are kept. */
export function rememberRecent(recent: readonly string[], id: string, max = 20): string[] {
  return [id, ...recent.filter((r) => r !== id)].slice(0, max);
}
