// Pure module (no React): imported with .js extensions by test/unit under NodeNext.

/** Where a JSON value sits in its text: offsets of the value (or of its key, for members) and its 1-based line. */
export interface TextSpot { from: number; to: number; line: number; exact: boolean }

interface Node { from: number; to: number; keyFrom?: number; children?: Map<string, Node> }

/** The JSON-pointer segments of `pointer` (`/a~1b/0` -> ['a/b', '0']). */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer.replace(/^\//, '').split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * The spot in `text` that a JSON pointer names: the member's key (so the line is the one an admin reads as "the
 * field"), or the deepest ancestor that exists when the pointer names something missing (`exact: false`, e.g. a
 * `required` error). Null when the text is not JSON.
 */
export function locatePointer(text: string, pointer: string): TextSpot | null {
  const root = parse(text);
  if (!root) return null;
  let node = root;
  let exact = true;
  for (const segment of pointerSegments(pointer)) {
    const child = node.children?.get(segment);
    if (!child) { exact = false; break; }
    node = child;
  }
  const from = node.keyFrom ?? node.from;
  return { from, to: node.to, line: lineAt(text, from), exact };
}

export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** A strict JSON scanner that records where every value starts and ends; null on a syntax error. */
function parse(text: string): Node | null {
  let i = 0;
  const ws = () => { while (i < text.length && ' \t\n\r'.includes(text[i])) i++; };
  const string = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) throw new SyntaxError('unterminated string');
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (): Node => {
    ws();
    const from = i;
    const c = text[i];
    if (c === '{' || c === '[') {
      const children = new Map<string, Node>();
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      let index = 0;
      while (text[i] !== close) {
        if (i >= text.length) throw new SyntaxError('unterminated');
        let key = String(index++);
        let keyFrom: number | undefined;
        if (c === '{') {
          ws();
          if (text[i] !== '"') throw new SyntaxError('key expected');
          keyFrom = i;
          key = string();
          ws();
          if (text[i++] !== ':') throw new SyntaxError(': expected');
        }
        const child = value();
        children.set(key, keyFrom === undefined ? child : { ...child, keyFrom });
        ws();
        if (text[i] === ',') {
          i++;
          ws();
          if (text[i] === close) throw new SyntaxError('trailing comma');
        } else if (text[i] !== close) throw new SyntaxError(', expected');
      }
      i++;
      return { from, to: i, children };
    }
    if (c === '"') { string(); return { from, to: i }; }
    const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (!m) throw new SyntaxError('value expected');
    i += m[0].length;
    return { from, to: i };
  };
  try {
    const root = value();
    ws();
    return i === text.length ? root : null;
  } catch {
    return null;
  }
}
