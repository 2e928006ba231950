/** Terminal colour and cursor codes (as in Python tracebacks from IPython) taken out of text. */

// CSI sequences (ESC [ … final byte) and OSC sequences (ESC ] … BEL or ESC \)
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]/g;

/** `text` without ANSI escape sequences. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}
