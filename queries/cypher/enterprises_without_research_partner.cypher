// name: enterprises_without_research_partner
// title.zh: 没有科研合作伙伴的企业
// title.en: Enterprises with no research partner
// description.zh: 某城市中指定规模、与任何高校或科研机构都没有合作关系的企业（第 6 条：产学研合作缺口）。
// description.en: Enterprises of a city, of the given sizes, that collaborate with no
//   university or research institute (article 6: the gap in research partnerships).
// articles: 6
// param: city string example="郑州市" | 城市名称或标识 | the city, by name or id
// param: sizes string[] example=["large", "medium"] default=["large", "medium"] | 企业规模 | sizes of enterprise to include
// needs: COLLABORATES_WITH | 企业与高校、科研机构的合作关系（COLLABORATES_WITH），公开数据中没有 | research collaborations of enterprises (COLLABORATES_WITH), which the public sources lack
// needs: Enterprise.size | 企业规模（size），公开数据中没有 | firm sizes (Enterprise.size), which the public sources lack
// column: enterprise string | 企业标识 | id of the enterprise
// column: name string | 企业名称 | name of the enterprise
// column: size string | 规模 | size of the enterprise
MATCH (e:Enterprise)-[:LOCATED_IN*1..2]->(c:Region {level: 'city'})
WHERE (c.name = $city OR c.id = $city)
  AND e.size IN $sizes
  AND NOT EXISTS { MATCH (e)-[:COLLABORATES_WITH]->(:ResearchInstitute) }
RETURN DISTINCT e.id AS enterprise, e.name AS name, e.size AS size
ORDER BY enterprise
