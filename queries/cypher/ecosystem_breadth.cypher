// name: ecosystem_breadth
// title.zh: 龙头企业的生态广度
// title.en: Ecosystem breadth of core enterprises
// description.zh: 每家企业周围的供应商、客户、科研伙伴、平台、创客团队、投资基金和联盟数量，
//   按总数排序，取前若干家（第 4 条：以龙头企业为核心的双创生态）。规模为空列表时不按规模筛选。
// description.en: Around each enterprise: suppliers, customers, research partners, platforms,
//   maker teams, investing funds and alliances, ranked by their total (article 4: 双创
//   ecosystems around core enterprises). An empty list of sizes ranks every enterprise.
// articles: 4
// param: sizes string[] example=["large"] default=["large", "medium"] | 企业规模（空为全部）| sizes of enterprise to rank ([] for all)
// param: limit int example=10 default=20 | 行数上限 | at most this many enterprises
// example.henan: sizes=[] limit=10
// column: enterprise string | 企业标识 | id of the enterprise
// column: name string | 企业名称 | name of the enterprise
// column: suppliers int | 供应商数 | enterprises supplying it
// column: customers int | 客户数 | enterprises it supplies
// column: research_partners int | 科研伙伴数 | research institutes it collaborates with
// column: platforms int | 平台数 | platforms it established or operates
// column: maker_teams int | 创客团队数 | maker teams it established or hosts
// column: funds int | 投资基金数 | funds investing in it
// column: alliances int | 联盟数 | alliances it belongs to
// column: breadth int | 生态广度 | the sum of the seven counts
MATCH (e:Enterprise)
WHERE size($sizes) = 0 OR e.size IN $sizes
OPTIONAL MATCH (e)<-[:SUPPLIES]-(s:Enterprise)
WITH e, count(DISTINCT s) AS suppliers
OPTIONAL MATCH (e)-[:SUPPLIES]->(c:Enterprise)
WITH e, suppliers, count(DISTINCT c) AS customers
OPTIONAL MATCH (e)-[:COLLABORATES_WITH]->(r:ResearchInstitute)
WITH e, suppliers, customers, count(DISTINCT r) AS research_partners
OPTIONAL MATCH (e)-[:ESTABLISHED|OPERATES]->(p:Platform)
WITH e, suppliers, customers, research_partners, count(DISTINCT p) AS platforms
OPTIONAL MATCH (e)-[:ESTABLISHED|HOSTS]->(t:MakerTeam)
WITH e, suppliers, customers, research_partners, platforms, count(DISTINCT t) AS maker_teams
OPTIONAL MATCH (f:Fund)-[:INVESTS_IN]->(e)
WITH e, suppliers, customers, research_partners, platforms, maker_teams,
     count(DISTINCT f) AS funds
OPTIONAL MATCH (e)-[:MEMBER_OF]->(a:Alliance)
WITH e, suppliers, customers, research_partners, platforms, maker_teams, funds,
     count(DISTINCT a) AS alliances
RETURN e.id AS enterprise, e.name AS name, suppliers, customers, research_partners,
       platforms, maker_teams, funds, alliances,
       suppliers + customers + research_partners + platforms + maker_teams + funds + alliances
         AS breadth
ORDER BY breadth DESC, enterprise
LIMIT $limit
