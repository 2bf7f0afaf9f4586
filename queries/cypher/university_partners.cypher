// name: university_partners
// title.zh: 高校的企业合作伙伴
// title.en: Universities' enterprise partners
// description.zh: 与高校合作的企业，附合作方式和起始年份。可指定高校（空字符串表示全部）。
// description.en: Enterprises collaborating with universities, with the kind of collaboration
//   and the year it began. Name one university, or "" for all.
// articles: 6
// param: university string example="RI000001" default="" | 高校标识（空为全部）| id of the university ("" for all)
// needs: COLLABORATES_WITH | 企业与高校的合作关系（COLLABORATES_WITH），公开数据中没有 | collaborations between enterprises and universities (COLLABORATES_WITH), which the public sources lack
// column: university string | 高校标识 | id of the university
// column: university_name string | 高校名称 | name of the university
// column: enterprise string | 企业标识 | id of the enterprise
// column: enterprise_name string | 企业名称 | name of the enterprise
// column: kind string | 合作方式 | kind of collaboration
// column: since int | 起始年份 | year the collaboration began
MATCH (e:Enterprise)-[r:COLLABORATES_WITH]->(u:ResearchInstitute {kind: 'university'})
WHERE $university = '' OR u.id = $university
RETURN u.id AS university, u.name AS university_name, e.id AS enterprise,
       e.name AS enterprise_name, r.kind AS kind, r.since AS since
ORDER BY university, enterprise, kind, since
