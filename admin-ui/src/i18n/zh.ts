import { staffZh } from './staff-zh';
import type { Messages } from './en';

/** 应用自身的中文文案；配置中的标签来自配置包（`label.zh`、`x-label.zh`）。 */
export const zh: Messages = {
  app: { brand: 'flowcrm', loading: '加载中…', signOut: '退出', signedInAs: '当前用户 {{name}}', language: '语言' },
  ...staffZh,
  nav: { inbox: '待办', records: '记录', delegations: '委托', config: '配置' },
  login: { title: '登录 flowcrm', user: '用户名', password: '密码', submit: '登录', expired: '会话已过期，请重新登录后继续。' },
  inbox: {
    title: '待办', mine: '我的', candidate: '可认领', delegated: '委托给我', all: '全部', overdue: '{{count}} 项逾期',
    empty: '暂无待办。', task: '任务', record: '记录', requester: '申请人', due: '截止', created: '创建时间', status: '状态',
  },
  status: { open: '待处理', claimed: '已认领', completed: '已完成', cancelled: '已取消', overdue: '逾期', running: '进行中', ended: '已结束' },
  task: {
    back: '待办', record: '记录', status: '状态', requester: '申请人', candidates: '候选人', claimedBy: '由 {{name}} 认领',
    due: '截止', created: '创建时间', decided: '决定', yourDecision: '您的决定', whyYou: '为何是您', history: '历史', recordGone: '记录已不存在。',
    noRouting: '没有路由规则：任务交给了申请人。', nobody: '无人', claim: '认领', release: '释放', delegateTo: '委托给…',
    delegate: '委托', username: '用户名', submitDecision: '提交决定', why: '原因（显示在记录历史中）',
  },
  outcome: { approve: '批准', reject: '驳回', request_changes: '要求修改', resubmit: '重新提交', withdraw: '撤回' },
  records: {
    title: '记录', entity: '对象', new: '新建', updated: '更新时间', by: '更新人', empty: '暂无记录。', previous: '上一页', next: '下一页',
    page: '第 {{page}} 页', backToList: '{{entity}}列表', newOf: '新建{{entity}}', version: '版本 {{version}} · {{by}} 更新于 {{at}}',
    create: '创建', save: '保存修改', saved: '已保存。', submit: '提交审批', submitNamed: '提交审批：{{process}}',
    submitted: '已提交到 {{process}}。', notConfigured: '未配置对象 {{name}}', edit: '编辑', locked: '审批期间锁定：{{fields}}',
  },
  process: {
    inApprovalOfOthers: '审批中：他人的申请，相关字段已锁定', inApproval: '审批中：{{process}}', waitingFor: '等待 {{who}}（步骤 {{step}}）', recall: '撤回', recallConfirm: '撤回此申请？',
    recalled: '申请已撤回。', startedBy: '{{who}} 发起于 {{at}}', status: '流程{{status}}',
  },
  filter: {
    field: '字段', operator: '运算', value: '值', add: '添加筛选', clear: '清除筛选', invalid: '该值与字段类型不符',
    ops: { eq: '等于', ne: '不等于', contains: '包含', startsWith: '开头是', gt: '>', ge: '≥', lt: '<', le: '≤', set: '已填写', unset: '为空' },
  },
  sla: { ok: '剩余 {{left}}', warn: '仅剩 {{left}}', breached: '已超时 {{left}}' },
  timeline: { title: '时间线', empty: '暂无历史。', onBehalfOf: '代表 {{who}}' },
  action: {
    create: '创建', update: '修改', delete: '删除', restore: '恢复', approve: '批准', reject: '驳回',
    request_changes: '要求修改', resubmit: '重新提交', withdraw: '撤回', recall: '撤回', reassign: '转交',
    escalate: '升级', review: '复核', delegate: '委托',
  },
  bell: { title: '通知', markAll: '全部已读', empty: '暂无通知。', label: '通知' },
  config: { title: '配置', versions: '已发布版本', version: '版本', author: '作者', published: '发布时间', hash: '哈希', diff: '差异', noDiff: '没有差异。' },
  delegation: {
    title: '委托与外出', intro: '委托生效期间，受托人可以查看并处理您的审批。',
    to: '受托人', period: '期间', reason: '原因', create: '委托', created: '委托已保存。', list: '我的委托',
    from: '委托人', revoke: '撤销', empty: '暂无委托。', state: '状态',
  },
  widget: {
    searchRecord: '搜索{{entity}}…', searchUser: '输入用户名', amount: '金额', currency: '币种', useTyped: '使用“{{value}}”', me: '{{name}}（我）',
    manager: '{{name}}（我的上级）',
  },
  error: { network: '无法连接服务器' },
};
