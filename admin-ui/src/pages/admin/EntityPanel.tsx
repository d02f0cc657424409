import { Component, useMemo, useState, type ReactNode } from 'react';
import { Alert, Button, Card, Checkbox, Drawer, Form, Input, Popconfirm, Select, Space, Table, Tag } from 'antd';
import type { ButtonProps } from 'antd';
import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import validator from '@rjsf/validator-ajv8';
import type { RJSFSchema } from '@rjsf/utils';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../config-context';
import { localize, useLocale } from '../../i18n';
import { localizedSchema, uiSchemaFor } from '../../form/field-ui';
import { createSchema, hideSubmit } from '../../form/patch';
import { ThemedForm } from '../../form/theme';
import type { Config, EntityDefinition } from '../../types';
import { fieldRows, fieldTypeNames, removeField, upsertField, type FieldRow } from './entity-fields';

const namePattern = /^[a-z][a-zA-Z0-9]*$/;

/** Renders its children, or the error they threw (a half-typed schema can make RJSF throw) until they change. */
class PreviewBoundary extends Component<{ children: ReactNode; resetKey: string }, { error: string | null; key: string }> {
  state = { error: null as string | null, key: this.props.resetKey };
  static getDerivedStateFromError(error: Error) { return { error: error.message }; }
  static getDerivedStateFromProps(props: { resetKey: string }, state: { key: string }) {
    return props.resetKey === state.key ? null : { error: null, key: props.resetKey };
  }
  render() {
    return this.state.error ? <Alert type="warning" showIcon data-testid="preview-error" title={this.state.error} /> : this.props.children;
  }
}

/** The add / edit form of one field: name, x-type, labels in both languages, the picklist or referenced entity. */
function FieldForm({ row, config, taken, onSave, onClose }: {
  row: FieldRow | null; config: Config | null; taken: string[]; onSave: (row: FieldRow) => void; onClose: () => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [form] = Form.useForm<FieldRow>();
  const type = Form.useWatch('type', form);
  const picklists = Object.entries(config?.picklists ?? {}).map(([name, p]) => ({ value: name, label: `${localize(p.label, locale, name)} (${name})` }));
  const entities = Object.entries(config?.entities ?? {}).map(([name, e]) => ({ value: name, label: `${localize(e.label, locale, name)} (${name})` }));
  return (
    <Form<FieldRow>
      form={form} layout="vertical" data-testid="field-form" onFinish={onSave}
      initialValues={row ?? { name: '', type: 'text', label: { en: '', zh: '' }, required: false, readOnly: false }}
    >
      <Form.Item name="name" label={t('admin.fieldName')} rules={[
        { required: true, pattern: namePattern, message: t('admin.fieldNameRule') },
        { validator: async (_, v: string) => { if (v !== row?.name && taken.includes(v)) throw new Error(t('admin.fieldTaken')); } },
      ]}>
        <Input data-testid="field-name" autoComplete="off" />
      </Form.Item>
      <Form.Item name="type" label={t('admin.fieldType')} rules={[{ required: true }]}>
        <Select data-testid="field-type" aria-label={t('admin.fieldType')} options={fieldTypeNames.map((v) => ({ value: v, label: v }))} />
      </Form.Item>
      <Form.Item name={['label', 'en']} label={t('admin.labelEn')} rules={[{ required: true }]}><Input data-testid="field-label-en" /></Form.Item>
      <Form.Item name={['label', 'zh']} label={t('admin.labelZh')}><Input data-testid="field-label-zh" /></Form.Item>
      {(type === 'picklist' || type === 'multiselect') && (
        <Form.Item name="picklist" label={t('admin.picklist')} rules={[{ required: true }]}>
          <Select data-testid="field-picklist" aria-label={t('admin.picklist')} options={picklists} showSearch />
        </Form.Item>
      )}
      {type === 'reference' && (
        <Form.Item name="ref" label={t('admin.refEntity')} rules={[{ required: true }]}>
          <Select data-testid="field-ref" aria-label={t('admin.refEntity')} options={entities} showSearch />
        </Form.Item>
      )}
      <Form.Item name="required" valuePropName="checked"><Checkbox data-testid="field-required">{t('admin.required')}</Checkbox></Form.Item>
      <Space>
        <Button type="primary" htmlType="submit" data-testid="field-save">{t('admin.apply')}</Button>
        <Button onClick={onClose}>{t('admin.cancel')}</Button>
      </Space>
    </Form>
  );
}

/**
 * The entity editor's side of the JSON: the fields table (add, edit, remove a field; each change rewrites the JSON)
 * and a live RJSF preview of the record form the definition gives, with the same widgets the record pages use.
 */
export function EntityPanel({ entity, onChange }: { entity: EntityDefinition; onChange: (entity: EntityDefinition) => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { config, user } = useSession();
  const [editing, setEditing] = useState<FieldRow | 'new' | null>(null);
  const [preview, setPreview] = useState<Record<string, unknown>>({});
  const rows = fieldRows(entity);
  // One schema object per definition: a new one on every render re-applies the defaults (an `onChange` each time),
  // which re-renders the preview without end and closes any dropdown opened in it.
  const previewSchema = useMemo(() => localizedSchema(createSchema(entity), locale) as RJSFSchema, [entity, locale]);
  const previewUi = useMemo(() => uiSchemaFor(entity, { locale }, hideSubmit), [entity, locale]);
  const current = editing === 'new' ? null : editing;

  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      <Card size="small" title={t('admin.fields')} extra={<Button icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="add-field">{t('admin.addField')}</Button>}>
        <Table<FieldRow>
          rowKey="name" size="small" dataSource={rows} pagination={false} data-testid="fields-table"
          onRow={(r) => ({ 'data-testid': 'field-row', 'data-field': r.name }) as React.HTMLAttributes<HTMLElement>}
          columns={[
            { key: 'name', title: t('admin.fieldName'), render: (_, r) => <code>{r.name}</code> },
            { key: 'type', title: t('admin.fieldType'), render: (_, r) => (r.type ? <Tag>{r.type}</Tag> : null) },
            { key: 'label', title: t('admin.label'), render: (_, r) => <>{r.label.en}{r.label.zh && <> · {r.label.zh}</>}</> },
            { key: 'list', title: t('admin.picklist'), render: (_, r) => r.picklist ?? r.ref ?? '' },
            { key: 'flags', title: '', render: (_, r) => <>{r.required && <Tag color="blue">{t('admin.required')}</Tag>}{r.readOnly && <Tag>{t('admin.readOnly')}</Tag>}</> },
            {
              key: 'actions', title: '', render: (_, r) => (
                <Space size={0}>
                  <Button type="text" size="small" icon={<EditOutlined />} aria-label={t('admin.editField', { name: r.name })} data-testid="edit-field" onClick={() => setEditing(r)} />
                  <Popconfirm title={t('admin.removeField', { name: r.name })} onConfirm={() => onChange(removeField(entity, r.name))} okButtonProps={{ 'data-testid': 'remove-field-confirm' } as ButtonProps}>
                    <Button type="text" size="small" danger icon={<DeleteOutlined />} aria-label={t('admin.removeField', { name: r.name })} data-testid="remove-field" />
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <Card size="small" title={t('admin.preview')} data-testid="entity-preview">
        <PreviewBoundary resetKey={JSON.stringify(entity)}>
          <ThemedForm
            schema={previewSchema} uiSchema={previewUi} formData={preview} idPrefix="preview"
            formContext={{ config, locale, user }} validator={validator} noHtml5Validate showErrorList={false}
            onChange={(e) => setPreview((e.formData ?? {}) as Record<string, unknown>)}
          />
        </PreviewBoundary>
      </Card>
      <Drawer open={editing !== null} onClose={() => setEditing(null)} title={current ? t('admin.editField', { name: current.name }) : t('admin.addField')} destroyOnHidden size={420}>
        {editing !== null && (
          <FieldForm
            row={current} config={config} taken={rows.map((r) => r.name)} onClose={() => setEditing(null)}
            onSave={(row) => { onChange(upsertField(entity, row, current?.name)); setEditing(null); }}
          />
        )}
      </Drawer>
    </Space>
  );
}
