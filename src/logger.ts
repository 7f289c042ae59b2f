/**
 * A small logging port. The extension plugs a VS Code LogOutputChannel into it; the CLI and
 * tests plug the console or nothing. Every message is masked before it is written.
 */
import { maskSecrets } from './core/redact';

export interface LogSink {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export class Logger implements LogSink {
  constructor(private readonly sink: LogSink) {}
  info(msg: string): void {
    this.sink.info(maskSecrets(msg));
  }
  warn(msg: string): void {
    this.sink.warn(maskSecrets(msg));
  }
  error(msg: string): void {
    this.sink.error(maskSecrets(msg));
  }
}
