/**
 * "What would be lost": the preview shown beside the approval modal. Pure core: no
 * `vscode`; reads the filesystem and runs read-only git commands, always under a time
 * limit, and never the destructive command itself.
 */

export interface PreviewSection {
  heading: string;
  lines: string[];
}

export interface Preview {
  title: string;
  sections: PreviewSection[];
  /** One or two sentences: what would go, in numbers. */
  summary: string;
  /** Set when the preview could not be completed (time limit, unreadable folder, git missing). */
  incomplete?: string;
}

export interface PreviewRequest {
  command: string;
  cwd?: string;
  workspaceRoot?: string;
  /** The user's home folder, for `~` in targets (defaults to env.HOME). */
  home?: string;
  /** Environment of the process that would run the command (only profile/project names are shown, masked). */
  env?: Record<string, string | undefined>;
}

export interface PreviewOptions {
  /** Time allowed for the whole preview. Default 3,000 ms. */
  timeLimitMs?: number;
  /** Most entries listed per section (counts and sizes still cover everything walked). Default 200. */
  maxEntries?: number;
  /** Most filesystem entries walked per delete target before counting stops. Default 200,000. */
  maxWalk?: number;
  /** The git executable (tests). Default `git`. */
  gitPath?: string;
}

export const INCOMPLETE_TIME = 'preview incomplete: time limit';
