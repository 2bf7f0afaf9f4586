// name: policy_support
// title.zh: 某项政策措施的支持对象
// title.en: What a policy measure supports
// description.zh: 受某条政策措施支持的企业、平台和创客团队，按类别和年份统计。
// description.en: Enterprises, platforms and maker teams supported by an article of the
//   policy, by label and year.
// articles: 3, 10, 11, 14
// param: article int example=14 | 条款 | article number of the policy
// needs: SUPPORTED_BY | 政策支持对象（SUPPORTED_BY），公开数据中没有 | who each measure supported (SUPPORTED_BY), which the public sources lack
// column: label string | 类别 | label of the supported nodes
// column: year int | 年份 | year of support
// column: supported int | 数量 | how many were supported
MATCH (x)-[r:SUPPORTED_BY]->(m:PolicyMeasure {article: $article})
RETURN labels(x)[0] AS label, r.year AS year, count(r) AS supported
ORDER BY label, year
