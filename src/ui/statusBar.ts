/**
 * The `twokey.environment` badge (contract): which environment this window touches
 * (production red, staging and unknown yellow, development plain), a distinct look when
 * protection is degraded or paused, and a tooltip with the evidence, the state of each
 * protected surface and today's counts. What a repository controls (evidence values,
 * terminal names, file paths, the person's name) is escaped before it goes in the tooltip.
 */
import * as vscode from 'vscode';
import type { EnvironmentResolution } from '../core/types';
import { codeSpan, escapeMarkdown } from './markdown';

export const STATUS_ITEM_ID = 'twokey.environment';

export interface Surface {
  name: string;
  /** `compromised`: a terminal's gate was tampered with (red, whatever the environment). */
  state: 'on' | 'off' | 'degraded' | 'missing' | 'changed' | 'compromised';
  detail?: string;
}

export interface Counts {
  allowed: number;
  denied: number;
  asked: number;
}

export interface BadgeState {
  resolution: EnvironmentResolution;
  surfaces: Surface[];
  counts: Counts;
  paused?: { until: number; by: string };
  /** Requests waiting for a person's answer. */
  pending?: number;
}

export class EnvironmentBadge implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private last: BadgeState | undefined;

  constructor() {
    this.item = vscode.window.createStatusBarItem(STATUS_ITEM_ID, vscode.StatusBarAlignment.Left, 100);
    this.item.name = 'TwoKey Environment';
    this.item.command = 'twokey.showEnvironment';
    this.item.text = '$(shield) TwoKey';
    this.item.show();
  }

  get state(): BadgeState | undefined {
    return this.last;
  }

  /** For tests and the quick pick: what the badge shows. */
  get text(): string {
    return this.item.text;
  }

  get tooltipText(): string {
    const t = this.item.tooltip;
    return typeof t === 'string' ? t : (t?.value ?? '');
  }

  update(s: BadgeState): void {
    this.last = s;
    const env = s.resolution.environment;
    const degraded = s.surfaces.filter((x) => x.state !== 'on' && x.state !== 'off');
    const compromised = s.surfaces.filter((x) => x.state === 'compromised');
    const icon = compromised.length ? '$(error)' : s.paused ? '$(debug-pause)' : degraded.length ? '$(warning)' : '$(shield)';
    const suffix = compromised.length ? ' · compromised' : s.paused ? ' · paused' : degraded.length ? ' · degraded' : '';
    const waiting = s.pending ? ` · ${s.pending} waiting` : '';
    this.item.text = `${icon} ${env}${suffix}${waiting}`;
    this.item.backgroundColor =
      env === 'production' || compromised.length
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : env === 'staging' || env === 'unknown' || s.paused || degraded.length
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    const label = env === 'unknown' ? 'unknown (treated as production)' : env;
    const tip = new vscode.MarkdownString(undefined, true);
    tip.appendMarkdown(`**TwoKey**: environment **${label}**\n\n`);
    if (s.paused) tip.appendMarkdown(`**Protection paused** by ${escapeMarkdown(s.paused.by)} until ${new Date(s.paused.until).toLocaleTimeString()}; every command is still recorded.\n\n`);
    tip.appendMarkdown('Evidence:\n');
    if (s.resolution.evidence.length === 0) tip.appendMarkdown('- no signal places this workspace; unknown counts as production\n');
    for (const e of s.resolution.evidence) tip.appendMarkdown(`- ${codeSpan(e.signal)} = ${codeSpan(e.value)} → ${escapeMarkdown(e.environment)}\n`);
    tip.appendMarkdown('\nProtection:\n');
    for (const x of s.surfaces) tip.appendMarkdown(`- ${escapeMarkdown(x.name)}: ${x.state}${x.detail ? ` (${escapeMarkdown(x.detail)})` : ''}\n`);
    tip.appendMarkdown(`\nToday: ${s.counts.allowed} allowed, ${s.counts.denied} denied, ${s.counts.asked} asked\n`);
    this.item.tooltip = tip;
    this.item.accessibilityInformation = {
      label: `TwoKey environment: ${label}${compromised.length ? `, ${compromised.length} terminal${compromised.length > 1 ? 's' : ''} compromised` : ''}${s.paused ? ', protection paused' : ''}${degraded.length ? ', protection degraded' : ''}`,
      role: 'button',
    };
  }

  dispose(): void {
    this.item.dispose();
  }
}
