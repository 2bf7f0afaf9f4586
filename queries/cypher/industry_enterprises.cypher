// name: industry_enterprises
// title.zh: 某行业（含子类）的企业
// title.en: Enterprises of an industry and its subclasses
// description.zh: 所属行业为指定行业或其子类（至多向下三级）的企业。
// description.en: Enterprises whose industry is the given one or one of its subclasses (up to
//   three levels down).
// articles: 4, 13
// param: industry string example="C" | 行业代码或标识 | industry code or id
// example.henan: industry="C36"
// column: enterprise string | 企业标识 | id of the enterprise
// column: name string | 企业名称 | name of the enterprise
// column: industry_code string | 所属行业代码 | code of its own industry
MATCH (i:Industry)
WHERE i.code = $industry OR i.id = $industry
MATCH (e:Enterprise)-[:IN_INDUSTRY]->(j:Industry)-[:SUBCLASS_OF*0..3]->(i)
RETURN DISTINCT e.id AS enterprise, e.name AS name, j.code AS industry_code
ORDER BY enterprise, industry_code
