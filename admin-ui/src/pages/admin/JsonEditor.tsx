import { useEffect, useRef } from 'react';
import { basicSetup, EditorView } from 'codemirror';
import { json, jsonParseLinter } from '@codemirror/lang-json';
import { linter, lintGutter, type Diagnostic } from '@codemirror/lint';
import './admin.css';
import { Annotation, Compartment, EditorState, type Extension } from '@codemirror/state';
import { locatePointer } from './json-locate';
import type { ConfigIssue } from './config-kinds';

/** Syntax errors first (nothing else can be placed then); else every issue at the text its pointer names. */
function issueLinter(latest: { current: { issues: ConfigIssue[] } }): Extension {
  return linter((v): Diagnostic[] => {
    const text = v.state.doc.toString();
    const syntax = jsonParseLinter()(v);
    if (syntax.length) return syntax;
    return latest.current.issues.map((issue) => {
      const spot = locatePointer(text, issue.path) ?? { from: 0, to: 0 };
      return { from: spot.from, to: Math.min(spot.to, v.state.doc.lineAt(spot.from).to), severity: 'error', message: `${issue.code ? `${issue.code} ` : ''}${issue.path} ${issue.message}` };
    });
  }, { delay: 200 });
}

/** Marks the text pushed in through `value`: it is not an edit to report back through `onChange`. */
const fromOutside = Annotation.define<boolean>();

export interface JsonEditorHandle { goToLine: (line: number) => void }

/**
 * A CodeMirror 6 JSON editor (decision 0085): syntax errors from the JSON parser, and `issues` (item JSON pointers,
 * from the meta-schema while typing and from the server's validate) underlined at the text they point at.
 */
export function JsonEditor({ value, onChange, issues, testId, handle, minHeight = '420px' }: {
  value: string; onChange: (text: string) => void; issues: ConfigIssue[]; testId: string;
  handle?: (h: JsonEditorHandle) => void; minHeight?: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const latest = useRef({ onChange, issues });
  const lints = useRef(new Compartment());
  latest.current = { onChange, issues };

  useEffect(() => {
    const extensions: Extension[] = [
      basicSetup, json(), lintGutter(), lints.current.of(issueLinter(latest)), EditorView.lineWrapping,
      EditorView.updateListener.of((u) => {
        if (u.docChanged && !u.transactions.some((tr) => tr.annotation(fromOutside))) latest.current.onChange(u.state.doc.toString());
      }),
      EditorView.theme({ '&': { minHeight, border: '1px solid #d9d9d9', borderRadius: '6px', fontSize: '13px' }, '.cm-scroller': { minHeight, maxHeight: '70vh' } }),
      EditorView.contentAttributes.of({ 'aria-label': 'JSON', 'data-testid': `${testId}-content` }),
    ];
    const editor = new EditorView({ parent: host.current as HTMLDivElement, state: EditorState.create({ doc: value, extensions }) });
    view.current = editor;
    handle?.({
      goToLine: (line) => {
        const at = editor.state.doc.line(Math.max(1, Math.min(line, editor.state.doc.lines))).from;
        editor.dispatch({ selection: { anchor: at }, effects: EditorView.scrollIntoView(at, { y: 'center' }) });
        editor.focus();
      },
    });
    return () => editor.destroy();
  }, []); // created once; a new value is pushed in below

  // A value set from outside (the fields table, another item) replaces the text; typing does not come back here.
  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const before = editor.state.doc.toString();
    if (before === value) return;
    // scrolled to where the new text starts to differ: a field added in the table shows in the JSON
    let at = 0;
    while (at < before.length && at < value.length && before[at] === value[at]) at++;
    editor.dispatch({ changes: { from: 0, to: before.length, insert: value }, annotations: fromOutside.of(true), effects: EditorView.scrollIntoView(Math.min(at, value.length), { y: 'center' }) });
  }, [value]);

  // New issues (the server's validate): a new linter instance lints again without waiting for a keystroke.
  const issueKey = JSON.stringify(issues);
  useEffect(() => {
    view.current?.dispatch({ effects: lints.current.reconfigure(issueLinter(latest)) });
  }, [issueKey]);

  return <div ref={host} data-testid={testId} className="json-editor" />;
}
