// name: cluster_enterprises
// title.zh: 园区内的企业
// title.en: Enterprises in a zone
// description.zh: 位于某产业集聚区（或其他园区）的企业及其规模和行业。
// description.en: The enterprises located in an industrial cluster (or another zone), with
//   their size and industry.
// articles: 13
// param: zone string example="Z000001" | 园区标识 | id of the zone
// example.henan: zone="zone:410171"
// column: enterprise string | 企业标识 | id of the enterprise
// column: name string | 企业名称 | name of the enterprise
// column: size string | 规模 | size of the enterprise
// column: industry string | 行业 | name of its industry (one row per industry)
MATCH (e:Enterprise)-[:LOCATED_IN]->(z:Zone {id: $zone})
OPTIONAL MATCH (e)-[:IN_INDUSTRY]->(i:Industry)
RETURN DISTINCT e.id AS enterprise, e.name AS name, e.size AS size, i.name AS industry
ORDER BY enterprise, industry
