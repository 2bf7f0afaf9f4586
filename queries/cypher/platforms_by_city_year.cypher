// name: platforms_by_city_year
// title.zh: 某年各城市的双创平台与示范平台
// title.en: Platforms and demonstration platforms per city in a year
// description.zh: 在指定年份已建立且尚未撤销的平台数，以及其中截至该年已认定为示范的数量，按城市和平台类型统计（第 3、12 条）。
// description.en: Platforms that existed in the given year (founded by then, not yet closed),
//   and how many of them had been recognised as demonstration platforms by then, per city
//   and kind (articles 3 and 12).
// articles: 3, 12
// param: year int example=2018 | 年份 | the year
// example.henan: year=2019
// column: city string | 城市 | city name
// column: kind string | 平台类型 | kind of platform
// column: platforms int | 平台数 | platforms existing in that year
// column: demonstration int | 示范平台数 | of which recognised as demonstration by then
MATCH (p:Platform)-[:LOCATED_IN]->(m)-[:LOCATED_IN*0..1]->(c:Region {level: 'city'})
WITH DISTINCT c, p
WHERE (p.since IS NULL OR p.since <= $year) AND (p.until IS NULL OR p.until >= $year)
RETURN c.name AS city, p.kind AS kind, count(p) AS platforms,
       sum(CASE WHEN p.demonstration IS NOT NULL AND p.demonstration <= $year THEN 1 ELSE 0 END)
         AS demonstration
ORDER BY city, kind
