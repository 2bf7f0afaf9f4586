// name: city_specialisations
// title.zh: 城市的专业化产业（区位商）
// title.en: The industries a city specialises in (location quotients)
// description.zh: 某地区区位商不低于给定值的行业，按区位商从高到低排列，附统计年份；区位商大于 1 表示该行业在当地的比重高于全省。
// description.en: The industries whose location quotient in a region is at least the given
//   value, highest first, with the year of the statistics; a quotient above 1 means the
//   industry weighs more there than in the province as a whole.
// articles: 4, 13
// param: city string example="郑州市" | 地区名称或标识 | the city (or other region), by name or id
// param: min_quotient float example=1.0 default=1.0 | 区位商下限 | at least this location quotient
// example.henan: city="郑州市"
// needs: SPECIALISES_IN | 各地区的产业区位商（SPECIALISES_IN），来自地区统计 | location quotients of industries by region (SPECIALISES_IN), from regional statistics
// column: industry string | 行业标识 | id of the industry
// column: code string | 行业代码 | code of the industry
// column: name string | 行业名称 | name of the industry
// column: quotient float | 区位商 | location quotient
// column: year int | 年份 | year of the statistics
MATCH (c:Region)-[s:SPECIALISES_IN]->(i:Industry)
WHERE (c.name = $city OR c.id = $city) AND s.quotient >= $min_quotient
RETURN i.id AS industry, i.code AS code, i.name AS name, s.quotient AS quotient,
       s.year AS year
ORDER BY quotient DESC, industry
