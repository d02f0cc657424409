import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { Alert, Button, Card, Col, Empty, Input, List, Row, Select, Space, Spin, Tag, Typography } from 'antd';
import { CheckCircleOutlined, CloudUploadOutlined, PlayCircleOutlined, PlusOutlined } from '@ant-design/icons';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { useTranslation } from 'react-i18next';
import { asApiError, get, post, type ApiError } from '../../api';
import { useSession } from '../../config-context';
import { ErrorBox } from '../../components/ErrorBox';
import { localize, useLocale } from '../../i18n';
import { Link, navigate } from '../../router';
import type { EntityDefinition } from '../../types';
import { draftBundle, editableKinds, isEditableKind, itemNamePattern, placeIssue, skeletonOf, type ConfigIssue, type EditableKind, type PlacedIssue } from './config-kinds';
import { diagramOf } from './diagram';
import { EntityPanel } from './EntityPanel';
import { setDrafts, useDrafts } from './drafts';
import { AdminTabs } from './AdminTabs';
import './strings';
import { JsonEditor, type JsonEditorHandle } from './JsonEditor';
import { loadValidators, validateItem } from './meta-validator';

/** React Flow is only loaded for the kinds drawn as a diagram. */
const FlowDiagram = lazy(() => import('./FlowDiagram'));

type Bundle = Record<string, unknown>;
const asMap = (v: unknown) => (v && typeof v === 'object' ? v as Record<string, unknown> : {});
const pretty = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

function parse(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
}

/**
 * The admin's configuration editor (decisions 0085-0087): one item (entity, approval chain, process, pipeline) as
 * JSON, checked against its meta-schema while typed, beside its fields table and form preview or its diagram.
 * Edits of several items stay as drafts until Validate (the server's full check, errors at their item and line)
 * and Publish (a new version; `GET /api/config` reloads).
 */
export default function ConfigEditorPage({ kind: asked, name }: { kind?: string; name?: string }) {
  const kind: EditableKind = asked && isEditableKind(asked) ? asked : 'entities';
  const { t } = useTranslation();
  const locale = useLocale();
  const { reloadConfig } = useSession();
  const [published, setPublished] = useState<Bundle | null>(null);
  const texts = useDrafts();
  const [validators, setValidators] = useState<Record<EditableKind, ValidateFunction> | null>(null);
  const [serverIssues, setServerIssues] = useState<ConfigIssue[] | null>(null);
  const [validated, setValidated] = useState(false);
  const [outcome, setOutcome] = useState<{ version: number } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [newName, setNewName] = useState<string | null>(null);
  const [newError, setNewError] = useState<string | null>(null);
  const editor = useRef<JsonEditorHandle | null>(null);
  const pendingLine = useRef<number | null>(null);
  const lastGood = useRef<Record<string, unknown>>({});

  useEffect(() => {
    get<Bundle>('/api/config').then(setPublished).catch((e) => setError(asApiError(e)));
    loadValidators().then(setValidators).catch((e) => setError(asApiError(e)));
  }, []);

  const draftOnly = Object.keys(texts).filter((k) => k.startsWith(`${kind}/`)).map((k) => k.slice(kind.length + 1));
  const items = [...new Set([...Object.keys(asMap(published?.[kind])), ...draftOnly])];
  const current = name && items.includes(name) ? name : undefined;
  const key = `${kind}/${current}`;
  const publishedText = current ? pretty(asMap(published?.[kind])[current]) : '';
  const text = texts[key] ?? publishedText;
  const parsed = useMemo(() => parse(text), [text]);
  if (parsed.ok && current) lastGood.current[key] = parsed.value;
  const item = lastGood.current[key];

  const liveIssues = parsed.ok && validators ? validateItem(validators[kind], parsed.value) : [];
  const textOf = (k: string) => {
    const [itemKind, itemName] = k.split('/');
    const publishedItem = asMap(published?.[itemKind])[itemName];
    return texts[k] ?? (publishedItem === undefined ? undefined : pretty(publishedItem));
  };
  const placed = (serverIssues ?? []).map((i) => placeIssue(i, textOf));
  const hereIssues: ConfigIssue[] = [...liveIssues, ...placed.filter((i) => i.kind === kind && i.name === current).map((i) => ({ ...i, path: i.pointer }))];
  const dirty = draftKeys();

  function draftKeys() {
    return Object.keys(texts).filter((k) => {
      const [draftKind, draftName] = k.split('/');
      return texts[k] !== pretty(asMap(published?.[draftKind])[draftName]);
    });
  }

  function setText(value: string) {
    setDrafts((all) => ({ ...all, [key]: value }));
    setValidated(false);
    setOutcome(null);
  }

  /** The bundle to check or publish, or null (with the syntax error shown) when a draft is not JSON. */
  function draft(): Bundle | null {
    const values: Record<string, unknown> = {};
    for (const k of dirty) {
      const p = parse(texts[k]);
      if (!p.ok) {
        const [draftKind, draftName] = k.split('/');
        setServerIssues([{ code: 'INVALID_JSON', path: `/${draftKind}/${draftName}`, message: p.message }]);
        return null;
      }
      values[k] = p.value;
    }
    return draftBundle(published ?? {}, values);
  }

  async function validate() {
    const bundle = draft();
    if (!bundle) return;
    setBusy(true);
    setError(null);
    try {
      const result = await post<{ valid: boolean; errors: ConfigIssue[] }>('/api/config/validate', bundle);
      setServerIssues(result.errors);
      setValidated(result.valid);
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  }

  async function publish() {
    const bundle = draft();
    if (!bundle) return;
    setBusy(true);
    setError(null);
    try {
      const result = await post<{ version: number }>('/api/config/publish', bundle);
      const fresh = await get<Bundle>('/api/config');
      lastGood.current = {};
      setPublished(fresh);
      setDrafts(() => ({}));
      setServerIssues(null);
      setOutcome(result);
      reloadConfig?.();
    } catch (e) {
      const failure = asApiError(e);
      setError(failure);
      if (failure.details.length) setServerIssues(failure.details);
    } finally {
      setBusy(false);
    }
  }

  /** A new item of this kind: its skeleton as a draft, opened at once (it exists only as a draft until published). */
  function create() {
    const wanted = (newName ?? '').trim();
    if (!itemNamePattern.test(wanted)) return setNewError(t('admin.newNameRule'));
    if (items.includes(wanted)) return setNewError(t('admin.newNameTaken'));
    const firstEntity = Object.keys(asMap(published?.entities))[0] ?? 'customer';
    setDrafts((all) => ({ ...all, [`${kind}/${wanted}`]: pretty(skeletonOf(kind, firstEntity)) }));
    setNewName(null);
    setNewError(null);
    navigate(`/config/edit/${kind}/${encodeURIComponent(wanted)}`);
  }

  function open(issue: PlacedIssue) {
    if (!issue.kind || !issue.name) return;
    if (issue.kind === kind && issue.name === current) {
      if (issue.line) editor.current?.goToLine(issue.line);
      return;
    }
    pendingLine.current = issue.line ?? null;
    navigate(`/config/edit/${issue.kind}/${encodeURIComponent(issue.name)}`);
  }

  const diagramKind = editableKinds[kind].diagram;
  return (
    <section data-testid="config-editor" data-kind={kind} data-name={current ?? ''}>
      <Typography.Title level={2}>{t('admin.editorTitle')}</Typography.Title>
      <AdminTabs active="edit" />
      <Space wrap style={{ marginBottom: 16 }}>
        <Select
          value={kind} data-testid="editor-kind" aria-label={t('admin.kind')} style={{ width: 200 }}
          options={Object.keys(editableKinds).map((k) => ({ value: k, label: t(`admin.kinds.${k}`) }))}
          onChange={(k) => navigate(`/config/edit/${k}`)}
        />
        <Select
          value={current} data-testid="editor-item" aria-label={t('admin.item')} style={{ width: 260 }} showSearch placeholder={t('admin.pickItem')}
          options={items.map((n) => ({ value: n, label: `${localize(asMap(asMap(published?.[kind])[n]).label as Record<string, string>, locale, n)} (${n})${dirty.includes(`${kind}/${n}`) ? ' •' : ''}` }))}
          onChange={(n) => navigate(`/config/edit/${kind}/${encodeURIComponent(n)}`)}
        />
        {newName === null
          ? <Button icon={<PlusOutlined />} onClick={() => setNewName('')} data-testid="editor-new">{t('admin.newItem', { kind: t(`admin.kinds.${kind}`) })}</Button>
          : (
            <Space.Compact>
              <Input
                autoFocus value={newName} onChange={(e) => { setNewName(e.target.value); setNewError(null); }} onPressEnter={create}
                placeholder={t('admin.newName')} aria-label={t('admin.newName')} status={newError ? 'error' : undefined} data-testid="editor-new-name"
              />
              <Button type="primary" onClick={create} data-testid="editor-new-create">{t('admin.create')}</Button>
              <Button onClick={() => { setNewName(null); setNewError(null); }}>{t('admin.cancel')}</Button>
            </Space.Compact>
          )}
        {newError && <Typography.Text type="danger" data-testid="editor-new-error">{newError}</Typography.Text>}
        <Button icon={<CheckCircleOutlined />} onClick={() => void validate()} loading={busy} data-testid="editor-validate">{t('admin.validate')}</Button>
        <Button type="primary" icon={<CloudUploadOutlined />} onClick={() => void publish()} loading={busy} disabled={dirty.length === 0} data-testid="editor-publish">
          {t('admin.publish')}{dirty.length > 0 && ` (${dirty.length})`}
        </Button>
        {kind === 'processes' && current && (
          <Link to={`/config/simulate?process=${encodeURIComponent(current)}`} data-testid="editor-simulate"><PlayCircleOutlined /> {t('admin.simulate')}</Link>
        )}
        <Link to="/config" data-testid="editor-versions">{t('admin.versions')}</Link>
      </Space>
      <ErrorBox error={error} testId="editor-error" />
      {outcome && <Alert type="success" showIcon style={{ marginBottom: 16 }} data-testid="editor-published" data-version={outcome.version} title={t('admin.published', { version: outcome.version })} />}
      {validated && serverIssues?.length === 0 && <Alert type="success" showIcon style={{ marginBottom: 16 }} data-testid="editor-valid" title={t('admin.valid')} />}
      {placed.length > 0 && (
        <Card size="small" title={t('admin.issues', { count: placed.length })} style={{ marginBottom: 16 }} data-testid="editor-issues">
          <List<PlacedIssue>
            size="small" dataSource={placed}
            renderItem={(issue) => (
              <List.Item
                data-testid="editor-issue" data-kind={issue.kind ?? ''} data-name={issue.name ?? ''} data-line={issue.line ?? ''} data-path={issue.path}
                onClick={() => open(issue)} style={{ cursor: issue.kind ? 'pointer' : undefined }}
              >
                <Space wrap>
                  {issue.code && <Tag color="red">{issue.code}</Tag>}
                  {issue.name && <strong>{t(`admin.kinds.${issue.kind}`)} {issue.name}</strong>}
                  {issue.line && <Tag data-testid="issue-line">{t('admin.line', { line: issue.line })}</Tag>}
                  <code>{issue.pointer || '/'}</code>
                  <span>{issue.message}</span>
                </Space>
              </List.Item>
            )}
          />
        </Card>
      )}
      {!published && !error && <Spin />}
      {published && !current && <Empty description={t('admin.pickItem')} />}
      {published && current && (
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={12}>
            <JsonEditor
              key={key} value={text} onChange={setText} issues={hereIssues} testId="editor-json"
              handle={(h) => {
                editor.current = h;
                if (pendingLine.current) { h.goToLine(pendingLine.current); pendingLine.current = null; }
              }}
            />
            {!parsed.ok && <Typography.Text type="danger" data-testid="editor-syntax">{parsed.message}</Typography.Text>}
            {liveIssues.length > 0 && <Typography.Text type="warning" data-testid="editor-live-issues">{t('admin.liveIssues', { count: liveIssues.length })}</Typography.Text>}
          </Col>
          <Col xs={24} xl={12}>
            {kind === 'entities' && item !== undefined && (
              <EntityPanel entity={item as EntityDefinition} onChange={(entity) => setText(pretty(entity))} />
            )}
            {diagramKind && item !== undefined && (
              <Suspense fallback={<Spin />}>
                <FlowDiagram diagram={diagramOf[diagramKind](item, locale)} horizontal={diagramKind === 'pipeline'} />
              </Suspense>
            )}
          </Col>
        </Row>
      )}
    </section>
  );
}
