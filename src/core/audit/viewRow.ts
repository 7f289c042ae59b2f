/**
 * A row of the audit view's table: what both the extension host and the webview read (no
 * imports: the webview's own compilation includes this file).
 */
/** Only what the table shows, the command cut for display. */
export interface ViewRow {
  seq: number;
  id: string;
  ts: string;
  source: string;
  command: string;
  environment: string;
  risk: string;
  decision: string;
  decidedBy: string;
}
