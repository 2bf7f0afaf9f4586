// name: fund_portfolio
// title.zh: 基金及其投资对象
// title.en: Funds and what they invest in
// description.zh: 每只基金按投资对象类别（企业、创客团队、平台）统计的投资笔数与金额。可指定基金（空字符串表示全部）。
// description.en: For each fund, its investments by kind of target (enterprise, maker team,
//   platform): how many and how much. Name one fund, or "" for all.
// articles: 14
// param: fund string example="F000001" default="" | 基金标识（空为全部）| id of the fund ("" for all)
// needs: INVESTS_IN | 基金投资关系（INVESTS_IN），公开数据中没有 | fund investments (INVESTS_IN), which the public sources lack
// column: fund string | 基金标识 | id of the fund
// column: name string | 基金名称 | name of the fund
// column: kind string | 基金类型 | kind of fund
// column: target_label string | 投资对象类别 | label of the targets
// column: investments int | 投资笔数 | number of investments
// column: amount float | 投资金额（万元）| total amount invested (10k CNY)
MATCH (f:Fund)-[r:INVESTS_IN]->(t)
WHERE $fund = '' OR f.id = $fund
RETURN f.id AS fund, f.name AS name, f.kind AS kind, labels(t)[0] AS target_label,
       count(r) AS investments, coalesce(sum(r.amount), 0.0) AS amount
ORDER BY fund, target_label
