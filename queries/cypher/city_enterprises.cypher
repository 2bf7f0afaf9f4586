// name: city_enterprises
// title.zh: 城市的企业
// title.en: Enterprises of a city
// description.zh: 位于某城市的企业：直接位于该市，或位于其所辖县区、园区内；附所在地点、规模和股票代码。
//   一家企业登记在多个地点（如区县和园区）时每个地点一行。
// description.en: The enterprises located in a city, directly or in one of its counties or
//   zones, with where they sit, their size and their stock code. An enterprise recorded in
//   several places (a county and a zone, say) has one row for each.
// articles: 13
// param: city string example="郑州市" | 城市名称或标识 | the city, by name or id
// example.henan: city="郑州市"
// column: enterprise string | 企业标识 | id of the enterprise
// column: name string | 企业名称 | name of the enterprise
// column: place string | 所在地点 | the county, zone or city it is located in
// column: size string | 规模 | size of the enterprise
// column: stock_code string | 股票代码 | its stock code, if it is listed
MATCH (c:Region {level: 'city'})
WHERE c.name = $city OR c.id = $city
MATCH (e:Enterprise)-[:LOCATED_IN]->(m)-[:LOCATED_IN*0..1]->(c)
RETURN DISTINCT e.id AS enterprise, e.name AS name, m.name AS place, e.size AS size,
       e.stock_code AS stock_code
ORDER BY enterprise, place
