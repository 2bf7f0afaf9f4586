// name: maker_teams_without_finance
// title.zh: 未获投资的创客团队
// title.en: Maker teams with no finance
// description.zh: 没有任何基金投资的创客团队，附孵化它的企业或平台数量（第 14 条：创客融资）。
// description.en: Maker teams no fund invests in, with how many enterprises or platforms host
//   them (article 14: finance for makers).
// articles: 14
// param: kinds string[] example=["technology", "social"] default=[] | 团队类型（空为全部）| kinds of team ([] for all)
// needs: MakerTeam | 创客团队（MakerTeam），公开数据中没有 | maker teams (MakerTeam), which the public sources lack
// needs: INVESTS_IN | 基金投资关系（INVESTS_IN），公开数据中没有 | fund investments (INVESTS_IN), which the public sources lack
// column: team string | 团队标识 | id of the maker team
// column: name string | 团队名称 | name of the maker team
// column: kind string | 团队类型 | kind of team
// column: hosts int | 孵化方数量 | enterprises and platforms hosting it
MATCH (t:MakerTeam)
WHERE (size($kinds) = 0 OR t.kind IN $kinds)
  AND NOT EXISTS { MATCH (:Fund)-[:INVESTS_IN]->(t) }
OPTIONAL MATCH (h)-[:HOSTS]->(t)
RETURN t.id AS team, t.name AS name, t.kind AS kind, count(DISTINCT h) AS hosts
ORDER BY team
