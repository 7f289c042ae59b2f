/**
 * Every word the audit view shows, through one translator: the extension passes
 * `vscode.l10n.t` (so the strings come from l10n/bundle.l10n.json), a browser harness or a
 * test passes its own. The webview itself never needs `vscode.l10n`: the HTML is written
 * with these words and the script reads the rest from the page (`data-text` on <body>).
 * Templates keep their `{0}` placeholders; the webview fills them in (`fill` in format.ts).
 */

/** `vscode.l10n.t`'s shape for plain messages. */
export type Translate = (message: string, ...args: Array<string | number | boolean>) => string;

/** The words of the audit view in the language of `t`. */
export function auditViewText(t: Translate) {
  return {
    title: t('TwoKey Audit Log'),
    toolbar: t('Audit log filters'),
    allDecisions: t('All decisions'),
    allEnvironments: t('All environments'),
    allRisks: t('All risks'),
    allSources: t('All sources'),
    searchPlaceholder: t('Search commands, folders, rules, reasons'),
    search: t('Search'),
    clearTitle: t('Clear filters'),
    clear: t('Clear'),
    followTitle: t('Show new records as they arrive'),
    follow: t('Follow'),
    verifyTitle: t('Check the hash chain'),
    verify: t('Verify'),
    exportCsv: t('Export CSV'),
    exportJson: t('Export JSON'),
    chartCaption: t('Decisions per day (UTC)'),
    chartBy: t('Colour the bars by'),
    byDecision: t('by decision'),
    byEnvironment: t('by environment'),
    noDecisions: t('No decisions yet'),
    tableLabel: t('Audit records, newest first'),
    /** `{0}`: a column's header. */
    resizeColumn: t('Resize the {0} column'),
    noMatch: t('No records match.'),
    detailLabel: t('Record detail'),
    record: t('Record'),
    close: t('Close'),
    columns: {
      time: t('Time'),
      source: t('Source'),
      command: t('Command'),
      environment: t('Environment'),
      risk: t('Risk'),
      decision: t('Decision'),
      decidedBy: t('Decided by'),
    },
    detail: {
      folder: t('Folder'),
      evidence: t('Evidence'),
      rules: t('Rules'),
      reason: t('Reason'),
      terminal: t('Terminal'),
      session: t('Session'),
      user: t('User'),
      duration: t('Duration'),
      seq: t('Seq'),
      id: t('Id'),
      prev: t('Prev'),
      hash: t('Hash'),
    },
    /** Counts: [one, many], each with `{0}` for the number. */
    records: [t('{0} record'), t('{0} records')] as [string, string],
    decisions: [t('{0} decision'), t('{0} decisions')] as [string, string],
    days: [t('{0} day'), t('{0} days')] as [string, string],
    /** `{0}`: records that match, `{1}`: all records (`3 of 10 records`). */
    countFiltered: t('{0} of {1}'),
    /** `{0}`: the count. */
    countLoading: t('{0} (loading…)'),
    /** `{0}`: the record's sequence number. */
    recordTitle: t('Record {0}'),
    /** `{0}`: milliseconds. */
    milliseconds: t('{0} ms'),
    verifying: t('Verifying the hash chain…'),
    /** `{0}`: `N records`. */
    verified: t('✓ The hash chain is intact: {0} verified.'),
    /** `{0}` file, `{1}` line, `{2}` seq, `{3}` the reason. */
    broken: t('The log is broken at {0} line {1} (seq {2}): {3}'),
    /** `{0}`: `N records`, `{1}`: the file. */
    exported: t('Exported {0} to {1}.'),
    /** `{0}` day, `{1}` `N decisions`, `{2}` the parts (`2 denied, 1 allowed`). */
    barTitle: t('{0}: {1} ({2})'),
    /** `{0}` `N decisions`, `{1}` `N days`, `{2}` first day, `{3}` last day. */
    chartSummary: t('{0} over {1}, from {2} to {3}'),
    decisionLabels: {
      allowed: t('allowed'),
      denied: t('denied'),
      'timed-out': t('timed out'),
      observed: t('observed'),
    } as Record<string, string>,
    deciderLabels: {
      policy: t('policy'),
      human: t('person'),
      timeout: t('timeout'),
    } as Record<string, string>,
  };
}

export type AuditViewText = ReturnType<typeof auditViewText>;
