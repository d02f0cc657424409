import type { staffEn } from './staff-en';

/** 业务人员页面的中文文案（阶段条、看板、仪表盘、任务表单、批量审批）。 */
export const staffZh: typeof staffEn = {
  staff: {
    nav: { pipelines: '销售管道', dashboards: '仪表盘' },
  },
  stage: {
    path: '阶段', next: '下一阶段：{{stage}}', nothingRequired: '无必填项', needsApproval: '需审批',
    moveTo: '推进到 {{stage}}', needs: '进入 {{stage}} 需填写：', blocked: '暂不能推进到 {{stage}}',
    missing: '缺少：{{fields}}', pending: '等待审批后进入 {{stage}}。', moved: '已推进到 {{stage}}。',
  },
  kanban: {
    title: '销售管道', pipeline: '管道', count: '{{count}} 个商机', amount: '金额 {{amount}}', weighted: '加权 {{amount}}',
    more: '加载更多', empty: '暂无商机', none: '未配置销售管道。', moveTo: '推进到…', owner: '负责人',
  },
  dashboard: {
    title: '仪表盘', pipeline: '管道', funnel: '销售漏斗', forecast: '加权预测', sla: 'SLA 超时',
    cycle: '审批周期', ageing: '应收账龄', empty: '暂无数据。', amount: '金额', weighted: '加权金额',
    deals: '商机数', breached: '超时', onTime: '按时', averageHours: '平均（小时）', p90Hours: '90 分位（小时）',
    averageMinutes: '平均（分钟）', p90Minutes: '90 分位（分钟）', outstanding: '未收金额', noMonth: '无预计成交日', current: '未到期', days: '{{range}} 天',
  },
  userTask: { form: '任务表单', submit: '完成：{{outcome}}', done: '已完成。' },
  bulk: {
    select: '选择', approve: '批量同意（{{count}}）', reason: '理由（随每项审批记录）', done: '{{ok}} 项已同意，{{failed}} 项未处理',
    selectAll: '全选审批', failed: '未同意', selectTask: '选择 {{title}}',
  },
};
