// name: alliance_members
// title.zh: 联盟成员
// title.en: Members of an alliance
// description.zh: 一个联盟的全部成员（企业、科研机构、基金），附其角色与加入年份。
// description.en: Every member of an alliance (enterprises, research institutes, funds), with
//   its role and the year it joined.
// articles: 6, 13
// param: alliance string example="AL000001" | 联盟标识 | id of the alliance
// needs: MEMBER_OF | 联盟成员关系（MEMBER_OF），公开数据中没有 | alliance membership (MEMBER_OF), which the public sources lack
// column: label string | 成员类别 | label of the member node
// column: member string | 成员标识 | id of the member
// column: name string | 成员名称 | name of the member
// column: role string | 角色 | role in the alliance
// column: since int | 加入年份 | year it joined
MATCH (m)-[r:MEMBER_OF]->(a:Alliance {id: $alliance})
RETURN labels(m)[0] AS label, m.id AS member, m.name AS name, r.role AS role, r.since AS since
ORDER BY label, member, since
