import { evaluate } from '@marcbachmann/cel-js';

/**
 * Credit-evaluation fixtures, and a rating computed from the published configuration with the CEL library alone
 * (never the engine's scoring code): the standard ratio and operating-asset definitions of
 * docs/processes/credit-evaluation.md, the scorecard's items and grades, and the decision tables' rules.
 */

export type Bundle = {
  scorecards: Record<string, { items: { id: string; points: number | string; weight?: number; when?: string }[]; grades: { min: number; grade: string }[] }>;
  decisionTables: Record<string, { rules: { when: string; output: unknown }[] }>;
};

type Statements = { balanceSheet: Record<string, number>; incomeStatement: Record<string, number>; cashFlowStatement: Record<string, number> };

/**
 * Statements of a healthy dealer whose operating-asset line is `line` CNY: current ratio 2, quick ratio 1.6, net assets
 * three times the (only current) liabilities, so the evaluation value is 2.93 and the default percentage 25 %.
 */
export function statementsForLine(line: number): Statements {
  const k = 2 * line;
  return {
    balanceSheet: { currentAssets: 2 * k, cash: 0.3 * k, tradingFinancialAssets: 0, inventory: 0.4 * k, inventoryOpening: 0.4 * k, totalAssets: 4 * k, currentLiabilities: k, totalLiabilities: k },
    incomeStatement: { revenue: 5 * k, costOfSales: 3.8 * k, totalProfit: 0.4 * k, netProfit: 0.3 * k, totalCostsAndExpenses: 4.6 * k },
    cashFlowStatement: { operatingCashFlow: 0.2 * k, investingCashFlow: -0.1 * k, financingCashFlow: 0 },
  };
}

/** The ten basic-data fields (C-03) of a dealer, with `extra` (statements, amount, term) on top. */
export function applicationData(customer: string, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    customer, fullName: 'Shandong Nongji Trading Co., Ltd.', address: '88 Jiefang Road, Jinan', legalRepresentative: 'Wang Jian',
    businessManager: 'Li Na', phone: '+86 531 8888 0000', businessLicence: '91370100MA3C000001', taxRegistration: '370100MA3C000001',
    bankAccount: 'ICBC Jinan Lixia branch 1602 0000 0000 0001', businessCondition: 'dealer of farm machinery in 12 counties',
    businessResults: 'sales up 8 % on last year', requestedAmount: 500_000, creditTermDays: 60, ...extra,
  };
}

/** The scorecard task's answers: every one of the 72 facts answered `value` (or by `pick(key)`). */
export function answersAll(value: number, pick?: (key: string) => number): Record<string, number> {
  const keys = ['a', 'b', 'c'].flatMap((c) => [1, 2, 3, 4, 5, 6].flatMap((i) => [1, 2, 3, 4].map((a) => `${c}${i}_${a}`)));
  return Object.fromEntries(keys.map((k) => [k, pick ? pick(k) : value]));
}

const firstHit = (table: { rules: { when: string; output: unknown }[] }, record: Record<string, unknown>) =>
  table.rules.find((r) => evaluate(r.when, { record }) === true)?.output;

/** The rating an application gets, from the configuration's figures and the documented formulas. */
export function independentRating(bundle: Bundle, s: Statements, answers: Record<string, number>) {
  const b = s.balanceSheet;
  const currentRatio = b.currentAssets / b.currentLiabilities;
  const quickRatio = (b.currentAssets - b.inventory) / b.currentLiabilities;
  const netAssets = b.totalAssets - b.totalLiabilities;
  const operatingAssets = (b.currentAssets - b.currentLiabilities + netAssets) / 2;
  const evaluationValue = currentRatio + quickRatio - (b.currentLiabilities / netAssets + b.totalLiabilities / netAssets);
  const percentage = Number(firstHit(bundle.decisionTables['operating-asset-percentage'], { evaluationValue }));
  const card = bundle.scorecards['feature-analysis'];
  const featureScore = card.items.reduce((sum, item) => {
    const points = typeof item.points === 'number' ? item.points : Number(evaluate(item.points, { record: { featureAnswers: answers } }));
    return sum + points * (item.weight ?? 1);
  }, 0);
  const featureGrade = [...card.grades].sort((x, y) => y.min - x.min).find((g) => featureScore >= g.min)!.grade;
  const factor = Number(firstHit(bundle.decisionTables['feature-grade-line-factor'], { featureGrade }));
  const creditLine = operatingAssets > 0 ? Math.trunc(operatingAssets * percentage * factor) : 0;
  const band = String(firstHit(bundle.decisionTables['credit-bands'], { creditLine }));
  return { operatingAssets, evaluationValue, percentage, featureScore, featureGrade, creditLine, band, rating: band === 'none' ? '' : `${band}${featureGrade}` };
}
