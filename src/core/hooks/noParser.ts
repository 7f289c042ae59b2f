/**
 * A stand-in for the tree-sitter parser: most agent commands are plain words (`git status`,
 * `npm test`), which the engine reads without the parser. The hook first checks with this
 * stand-in; a line that needs the real parser throws `ParserNeeded`, and only then does the
 * hook load tree-sitter's WebAssembly and check again. Pure: no I/O.
 */
import type { BashParser } from '../lang/treesitter';

export class ParserNeeded extends Error {
  constructor() {
    super('this line needs the full shell parser');
  }
}

export const NO_PARSER = {
  parse(): never {
    throw new ParserNeeded();
  },
} as unknown as BashParser;
