import type { adminEn } from './strings-en';

/** 管理编辑器的中文文案（配置编辑、模拟、回滚）。 */
export const adminZh: typeof adminEn = {
  tabs: { versions: '版本', edit: '编辑器', simulate: '模拟' },
  kinds: { entities: '实体', approvalChains: '审批链', processes: '流程', pipelines: '销售管道' },
  editorTitle: '配置编辑器', kind: '类别', item: '条目', pickItem: '请选择…', validate: '校验', publish: '发布',
  published: '已发布为版本 {{version}}。', valid: '包含您的修改的配置有效。', issues: '{{count}} 个问题',
  line: '第 {{line}} 行', liveIssues: '{{count}} 个不符合元模式的问题', versions: '版本与回滚', simulate: '模拟',
  fields: '字段', addField: '添加字段', editField: '编辑字段 {{name}}', removeField: '删除字段 {{name}}？', fieldName: '名称',
  fieldNameRule: '字母和数字，以小写字母开头（camelCase）', fieldTaken: '已有同名字段',
  fieldType: '类型', label: '标签', labelEn: '标签（英文）', labelZh: '标签（中文）', picklist: '选项列表', refEntity: '引用的实体',
  required: '必填', readOnly: '只读', apply: '应用', cancel: '取消', preview: '表单预览',
  rollback: '回滚', rollbackTo: '回滚到版本 {{version}}', rollbackConfirm: '将版本 {{version}} 重新发布为新版本？',
  rollbackForce: '仍然回滚到版本 {{version}}', forceConfirm: '上面列出的记录将不再符合配置。继续？',
  rolledBack: '版本 {{republished}} 已重新发布为版本 {{version}}。',
  simulateTitle: '模拟流程', process: '流程', requester: '发起人', until: '截止', useDrafts: '包含未发布的修改',
  run: '运行', openInEditor: '在编辑器中打开', sampleRecord: '示例记录 {{entity}}', script: '脚本（任务、事件、记录）',
  noSimulation: '选择流程，填写示例记录后运行。', notJson: '不是 JSON', simStatus: '状态', outcome: '结果',
  simulated: '模拟时长', elapsed: '耗时', waitingFor: '停止，等待 {{what}}', unused: '未使用的脚本条目：{{entries}}',
  timeline: '时间线', tasks: '任务', step: '步骤', taskTitle: '任务', decidedBy: '处理人', when: '时间', recordChanges: '记录变更',
  notifications: '通知',
  newItem: '新建{{kind}}', newName: '新条目的名称', newNameRule: '以字母开头，之后为字母、数字、_ 或 -（最多 64 个）',
  newNameTaken: '已有同名条目', create: '创建',
};
