/**
 * Honest exit codes for interactive shells. Session Manager sends none (spec §8.3, §11.4), so the
 * client asks the remote shell itself: right after the shell starts, it types one POSIX line that
 * installs an EXIT trap printing the exit status as a private OSC sequence, then prints a "ready"
 * marker. This filter strips both markers from the output, hides the echo of that line, and
 * remembers the code. It works on real agents because it only relies on the remote shell being
 * POSIX (sh, dash, bash, zsh, ksh); other shells, or a user who replaces the EXIT trap or `exec`s
 * another shell, end with "exit code unknown" rather than a made-up 0.
 */

/** Private OSC number; xterm ignores unknown OSCs, and we strip ours before they get there. */
const OSC_ID = '6973';
const MARKER_START = Buffer.from(`\x1b]${OSC_ID};`, 'latin1');
const BEL = 0x07;
/** Longest marker body we accept ("exit;255" is 8); anything longer is not ours. */
const MAX_MARKER_BODY = 32;
/** Give up hiding when this much output arrived without the ready marker (not a POSIX shell). */
export const MAX_HIDDEN_BYTES = 1024 * 1024;

/**
 * The line typed into the shell. Leading space: kept out of history where HISTCONTROL ignores
 * spaces. The escapes are written as octal text, so the echo of this line never contains the
 * markers themselves.
 */
export const EXIT_PROBE_LINE = ` trap 'printf "\\033]${OSC_ID};exit;%d\\007" "$?"' 0; printf '\\033]${OSC_ID};ready\\007'\r`;
/** How the echo of the probe line starts, to find where to cut the hidden output. */
const ECHO_START = Buffer.from(EXIT_PROBE_LINE.slice(0, 14), 'latin1');

export class ExitStatusFilter {
  private hiding: boolean;
  private readonly hidden: Buffer[] = [];
  private hiddenBytes = 0;
  /** A possible marker cut by a chunk boundary. */
  private partial: Buffer = Buffer.alloc(0);
  private code: number | undefined;
  private trapInstalled = false;

  /** `hideUntilReady`: the probe will be typed, so hide output up to its ready marker. */
  constructor(hideUntilReady: boolean) {
    this.hiding = hideUntilReady;
  }

  /** Exit status the shell reported on its way out, if it did. */
  get exitCode(): number | undefined {
    return this.code;
  }
  get ready(): boolean {
    return this.trapInstalled;
  }
  get isHiding(): boolean {
    return this.hiding;
  }

  /** Feeds shell output; returns the bytes to show now. */
  push(chunk: Uint8Array): Buffer {
    let data = this.partial.length ? Buffer.concat([this.partial, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.partial = Buffer.alloc(0);
    const shown: Buffer[] = [];
    for (;;) {
      const at = data.indexOf(MARKER_START);
      if (at < 0) {
        const keep = partialPrefixLength(data);
        this.partial = Buffer.from(data.subarray(data.length - keep));
        this.emit(data.subarray(0, data.length - keep), shown);
        break;
      }
      const bodyStart = at + MARKER_START.length;
      const end = data.indexOf(BEL, bodyStart);
      if (end < 0) {
        if (data.length - bodyStart > MAX_MARKER_BODY) {
          // Too long to be ours: pass the ESC through and keep scanning after it.
          this.emit(data.subarray(0, at + 1), shown);
          data = data.subarray(at + 1);
          continue;
        }
        this.emit(data.subarray(0, at), shown);
        this.partial = Buffer.from(data.subarray(at));
        break;
      }
      if (end - bodyStart > MAX_MARKER_BODY) {
        this.emit(data.subarray(0, at + 1), shown);
        data = data.subarray(at + 1);
        continue;
      }
      this.emit(data.subarray(0, at), shown);
      this.onMarker(data.subarray(bodyStart, end).toString('latin1'), shown);
      data = data.subarray(end + 1);
    }
    if (this.hiding && this.hiddenBytes > MAX_HIDDEN_BYTES) shown.push(this.giveUp());
    return shown.length === 1 ? shown[0]! : Buffer.concat(shown);
  }

  /** Stops hiding (the shell never answered the probe): everything held is shown as it came. */
  giveUp(): Buffer {
    if (!this.hiding) return Buffer.alloc(0);
    this.hiding = false;
    const all = Buffer.concat(this.hidden.splice(0));
    this.hiddenBytes = 0;
    return all;
  }

  /** Output held at the end of the stream (a cut marker that never completed) is shown. */
  flush(): Buffer {
    const rest = Buffer.concat([this.giveUp(), this.partial]);
    this.partial = Buffer.alloc(0);
    return rest;
  }

  private emit(bytes: Buffer, shown: Buffer[]): void {
    if (bytes.length === 0) return;
    if (this.hiding) {
      this.hidden.push(Buffer.from(bytes));
      this.hiddenBytes += bytes.length;
    } else {
      shown.push(bytes);
    }
  }

  private onMarker(body: string, shown: Buffer[]): void {
    if (body === 'ready') {
      this.trapInstalled = true;
      if (!this.hiding) return;
      this.hiding = false;
      const held = Buffer.concat(this.hidden.splice(0));
      this.hiddenBytes = 0;
      // Keep what came before the probe's echo (a banner), up to its last full line: the
      // prompt the probe was typed at is redrawn by the shell right after the marker.
      const echoAt = held.indexOf(ECHO_START);
      if (echoAt > 0) {
        const lineEnd = held.lastIndexOf(0x0a, echoAt);
        if (lineEnd >= 0) shown.push(held.subarray(0, lineEnd + 1));
      }
      return;
    }
    const exit = /^exit;(\d{1,3})$/.exec(body);
    if (exit) this.code = Number(exit[1]);
  }
}

/** Length of the longest suffix of `data` that is a proper prefix of the marker start. */
function partialPrefixLength(data: Buffer): number {
  const max = Math.min(MARKER_START.length - 1, data.length);
  for (let n = max; n > 0; n--) {
    if (data.subarray(data.length - n).equals(MARKER_START.subarray(0, n))) return n;
  }
  return 0;
}
