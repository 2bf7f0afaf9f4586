// name: recognised_people
// title.zh: 获认定的人才及其领衔对象
// title.en: Recognised people and what they lead
// description.zh: 已获认定的创新型企业家、首席技术专家、大工匠或劳模，附认定年份和其领衔的企业、团队或平台（第 12 条）。
// description.en: Recognised innovative entrepreneurs, chief technology experts, master
//   craftsmen or model workers, with the year and what they lead (article 12).
// articles: 12
// param: role string example="entrepreneur" default="entrepreneur" | 角色 | role: entrepreneur, chief_technology_expert, master_craftsman or model_worker
// needs: Person.recognised | 获认定的人才（Person），公开数据中没有 | recognised people (Person.recognised), which the public sources lack
// column: person string | 人物标识 | id of the person
// column: name string | 姓名 | name
// column: year int | 认定年份 | year recognised
// column: leads_label string | 领衔对象类别 | label of what they lead
// column: leads string | 领衔对象标识 | id of what they lead
// column: leads_name string | 领衔对象名称 | name of what they lead
MATCH (p:Person {role: $role})
WHERE p.recognised IS NOT NULL
OPTIONAL MATCH (p)-[:LEADS]->(x)
RETURN p.id AS person, p.name AS name, p.recognised AS year, labels(x)[0] AS leads_label,
       x.id AS leads, x.name AS leads_name
ORDER BY year, person, leads
