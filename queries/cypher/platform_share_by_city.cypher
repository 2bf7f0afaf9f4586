// name: platform_share_by_city
// title.zh: 各城市规模以上工业企业建有双创平台的比例
// title.en: Share of large and medium industrial enterprises with a platform, by city
// description.zh: 各城市大中型工业企业中，设立或运营了双创平台的企业数及比例；第 3 条的目标是 2018 年底达到 80%。
// description.en: Among each city's large and medium industrial enterprises, how many
//   established or operate a platform, and their share; article 3 sets 80% by the end of 2018.
// articles: 3
// needs: Enterprise.size, Enterprise.industrial | 企业规模及是否为工业企业（size、industrial），公开数据中没有 | firm sizes and whether a firm is industrial (Enterprise.size, Enterprise.industrial), which the public sources lack
// column: city string | 城市 | city name
// column: enterprises int | 大中型工业企业数 | large and medium industrial enterprises
// column: with_platform int | 建有平台的企业数 | of which with a platform
// column: share_pct float | 比例（%）| share with a platform, in percent (one decimal)
MATCH (e:Enterprise)-[:LOCATED_IN]->(m)-[:LOCATED_IN*0..1]->(c:Region {level: 'city'})
WITH DISTINCT c, e
WHERE e.industrial = true AND e.size IN ['large', 'medium']
OPTIONAL MATCH (e)-[:ESTABLISHED|OPERATES]->(p:Platform)
WITH c, e, count(p) AS platforms
WITH c, count(e) AS enterprises,
     sum(CASE WHEN platforms > 0 THEN 1 ELSE 0 END) AS with_platform
RETURN c.name AS city, enterprises, with_platform,
       round(100.0 * with_platform / enterprises, 1) AS share_pct
ORDER BY city
