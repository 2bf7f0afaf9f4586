// name: cluster_profile
// title.zh: 产业集聚区的创新要素
// title.en: What each industrial cluster has: research, alliances, finance, service platforms
// description.zh: 每个产业集聚区的企业数，其企业合作的科研机构数、参加的联盟数、获得投资的基金数，
//   以及园区运营的公共技术服务平台和双创基地数（第 13 条）。
// description.en: For each industrial cluster: its enterprises, the research institutes they
//   collaborate with, the alliances they belong to, the funds investing in them, and the
//   public technology service platforms and 双创 bases the zone operates (article 13).
// articles: 13
// column: zone string | 园区标识 | id of the cluster
// column: name string | 园区名称 | name of the cluster
// column: enterprises int | 企业数 | enterprises located in it
// column: institutes int | 合作科研机构数 | research institutes its enterprises collaborate with
// column: alliances int | 联盟数 | alliances its enterprises belong to
// column: funds int | 投资基金数 | funds investing in its enterprises
// column: service_platforms int | 服务平台数 | public tech service platforms and 双创 bases it operates
MATCH (z:Zone {kind: 'industrial_cluster'})
OPTIONAL MATCH (z)<-[:LOCATED_IN]-(e:Enterprise)
WITH z, count(DISTINCT e) AS enterprises
OPTIONAL MATCH (z)<-[:LOCATED_IN]-(:Enterprise)-[:COLLABORATES_WITH]->(r:ResearchInstitute)
WITH z, enterprises, count(DISTINCT r) AS institutes
OPTIONAL MATCH (z)<-[:LOCATED_IN]-(:Enterprise)-[:MEMBER_OF]->(a:Alliance)
WITH z, enterprises, institutes, count(DISTINCT a) AS alliances
OPTIONAL MATCH (z)<-[:LOCATED_IN]-(:Enterprise)<-[:INVESTS_IN]-(f:Fund)
WITH z, enterprises, institutes, alliances, count(DISTINCT f) AS funds
OPTIONAL MATCH (z)-[:OPERATES]->(p:Platform)
WHERE p.kind IN ['public_tech_service', 'shuangchuang_base']
RETURN z.id AS zone, z.name AS name, enterprises, institutes, alliances, funds,
       count(DISTINCT p) AS service_platforms
ORDER BY zone
