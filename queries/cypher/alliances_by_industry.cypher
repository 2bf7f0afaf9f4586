// name: alliances_by_industry
// title.zh: 各行业的联盟及其成员数
// title.en: Alliances and their member enterprises, by industry
// description.zh: 每个联盟中属于各行业的成员企业数。可按行业代码筛选（空字符串表示全部）。
// description.en: For each alliance, how many of its member enterprises belong to each
//   industry. Filter by industry code (an empty string means all).
// articles: 6, 13
// param: industry string example="C34" default="" | 行业代码（空为全部）| industry code ("" for all)
// needs: MEMBER_OF | 联盟成员关系（MEMBER_OF），公开数据中没有 | alliance membership (MEMBER_OF), which the public sources lack
// column: industry_code string | 行业代码 | industry code
// column: industry string | 行业名称 | industry name
// column: alliance string | 联盟标识 | id of the alliance
// column: name string | 联盟名称 | name of the alliance
// column: kind string | 联盟类型 | kind of alliance
// column: members int | 成员企业数 | member enterprises in that industry
MATCH (m:Enterprise)-[:MEMBER_OF]->(a:Alliance)
MATCH (m)-[:IN_INDUSTRY]->(i:Industry)
WHERE $industry = '' OR i.code = $industry
RETURN i.code AS industry_code, i.name AS industry, a.id AS alliance, a.name AS name,
       a.kind AS kind, count(DISTINCT m) AS members
ORDER BY industry_code, alliance
