// name: platforms_in_city
// title.zh: 城市的创新平台及其设立、运营方
// title.en: Innovation platforms of a city and who runs them
// description.zh: 位于某城市（直接或在其所辖县区、园区内）的指定类型平台（空列表为全部），附设立或运营它的组织，
//   每个组织一行；如国家企业技术中心及其所属企业。
// description.en: The platforms of the given kinds ([] for all) located in a city, directly
//   or in one of its counties or zones, with the organisations that established or operate
//   each, one row per organisation: the national enterprise technology centres and their
//   host firms, for instance.
// articles: 3, 10
// param: city string example="郑州市" | 城市名称或标识 | the city, by name or id
// param: kinds string[] example=["self_built_rnd", "incubator"] default=[] | 平台类型（空为全部）| kinds of platform ([] for all)
// example.henan: city="郑州市" kinds=["enterprise_tech_center"]
// column: platform string | 平台标识 | id of the platform
// column: name string | 平台名称 | name of the platform
// column: kind string | 平台类型 | kind of platform
// column: operator string | 设立或运营方标识 | id of an organisation that established or operates it
// column: operator_name string | 设立或运营方名称 | its name
MATCH (c:Region {level: 'city'})
WHERE c.name = $city OR c.id = $city
MATCH (p:Platform)-[:LOCATED_IN]->(m)-[:LOCATED_IN*0..1]->(c)
WITH DISTINCT p
WHERE size($kinds) = 0 OR p.kind IN $kinds
OPTIONAL MATCH (o)-[:ESTABLISHED|OPERATES]->(p)
RETURN DISTINCT p.id AS platform, p.name AS name, p.kind AS kind, o.id AS operator,
       o.name AS operator_name
ORDER BY platform, operator
