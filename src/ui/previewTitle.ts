/** The title of the panel beside the approval modal (no `vscode` import: UI tests read it). */
export const PREVIEW_TITLE = 'TwoKey: what would be lost';
