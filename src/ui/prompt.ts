/**
 * The person behind the credential watch and terminal elevation, as a port: the real one
 * shows VS Code modals, pickers and input boxes; the test one queues each question for an
 * in-host test to answer, because the extension-test host refuses modal dialogs. The test
 * one exists only in the integration tier's build (TWOKEY_TEST_BUILD, scripts/build.mjs
 * --test) started with TWOKEY_TEST_PROMPTS=1: the packaged extension has no such port.
 */
import * as vscode from 'vscode';

export interface Prompt {
  /** A modal; resolves with the button chosen, undefined when closed. */
  modal(message: string, detail: string, buttons: string[]): Promise<string | undefined>;
  pick(title: string, items: string[], placeHolder?: string): Promise<string | undefined>;
  input(title: string, prompt: string, placeHolder?: string): Promise<string | undefined>;
}

export const vscodePrompt: Prompt = {
  async modal(message, detail, buttons) {
    return vscode.window.showWarningMessage(message, { modal: true, detail }, ...buttons);
  },
  async pick(title, items, placeHolder) {
    return vscode.window.showQuickPick(items, { title, placeHolder, ignoreFocusOut: true });
  },
  async input(title, prompt, placeHolder) {
    return vscode.window.showInputBox({ title, prompt, placeHolder, ignoreFocusOut: true });
  },
};

export interface PendingQuestion {
  id: number;
  kind: 'modal' | 'pick' | 'input';
  message: string;
  detail: string;
  items: string[];
}

/** Questions wait until a test answers them (`answer(id, value)`; undefined closes). */
export class TestPrompt implements Prompt {
  private next = 1;
  private readonly waiting = new Map<number, { q: PendingQuestion; resolve: (v: string | undefined) => void }>();

  pending(): PendingQuestion[] {
    return [...this.waiting.values()].map((w) => w.q);
  }

  answer(id: number, value: string | undefined): boolean {
    const w = this.waiting.get(id);
    if (!w) return false;
    this.waiting.delete(id);
    w.resolve(value);
    return true;
  }

  private ask(kind: PendingQuestion['kind'], message: string, detail: string, items: string[]): Promise<string | undefined> {
    const q: PendingQuestion = { id: this.next++, kind, message, detail, items };
    return new Promise((resolve) => this.waiting.set(q.id, { q, resolve }));
  }

  modal(message: string, detail: string, buttons: string[]): Promise<string | undefined> {
    return this.ask('modal', message, detail, buttons);
  }
  pick(title: string, items: string[]): Promise<string | undefined> {
    return this.ask('pick', title, '', items);
  }
  input(title: string, prompt: string): Promise<string | undefined> {
    return this.ask('input', title, prompt, []);
  }
}

/** The test port when the host was started for tests, the real one otherwise. */
export function createPrompt(env: Record<string, string | undefined> = process.env): Prompt {
  if (TWOKEY_TEST_BUILD) return env.TWOKEY_TEST_PROMPTS === '1' ? new TestPrompt() : vscodePrompt;
  return vscodePrompt;
}
