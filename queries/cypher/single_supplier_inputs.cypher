// name: single_supplier_inputs
// title.zh: 单一来源的投入品
// title.en: Inputs with a single supplier
// description.zh: 某企业采购的某种产品只有一家供应商：供应链上最脆弱的环节。可按城市筛选（空字符串表示全省）。
// description.en: A product an enterprise buys from one supplier only: the most fragile links
//   of a supply chain. Filter by the buyer's city (an empty string means the whole province).
// articles: 4
// param: city string example="郑州市" default="" | 城市名称或标识（空为全部）| buyer's city, name or id ("" for all)
// example.henan: city="郑州市"
// column: buyer string | 采购企业标识 | id of the buying enterprise
// column: buyer_name string | 采购企业名称 | name of the buying enterprise
// column: product string | 产品 | the input product
// column: supplier string | 唯一供应商标识 | id of its only supplier
MATCH (s:Enterprise)-[r:SUPPLIES]->(b:Enterprise)
WHERE $city = '' AND r.product IS NOT NULL
WITH b, r.product AS product, count(DISTINCT s) AS suppliers, min(s.id) AS supplier
WHERE suppliers = 1
RETURN b.id AS buyer, b.name AS buyer_name, product, supplier
ORDER BY buyer, product
UNION ALL
MATCH (c:Region {level: 'city'})<-[:LOCATED_IN*1..2]-(b:Enterprise)
WHERE $city <> '' AND (c.name = $city OR c.id = $city)
WITH DISTINCT b
MATCH (s:Enterprise)-[r:SUPPLIES]->(b)
WHERE r.product IS NOT NULL
WITH b, r.product AS product, count(DISTINCT s) AS suppliers, min(s.id) AS supplier
WHERE suppliers = 1
RETURN b.id AS buyer, b.name AS buyer_name, product, supplier
ORDER BY buyer, product
