// name: shortest_chain
// title.zh: 两个组织之间的最短关系链
// title.en: The shortest chain between two organisations
// description.zh: 经由供货、合作、联盟、投资、设立、运营、孵化和领衔关系（不论方向），连接两个节点的一条最短链，最多 8 步。
//   长度相同的链可能有多条，不同数据库可能给出其中不同的一条。
// description.en: One shortest chain linking two nodes through supply, collaboration,
//   alliance, investment, establishment, operation, hosting and leadership relations (in
//   either direction), of at most 8 steps. Where several chains are equally short, stores
//   may return different ones.
// articles: 4, 6
// param: source string example="E000024" | 起点标识 | id of the first node
// param: target string example="RI000001" | 终点标识 | id of the second node
// example.henan: source="ent:stock:000612" target="platform:etc:多氟多化工股份有限公司技术中心"
// column: hops int | 步数 | number of relations in the chain
// column: ids string[] | 节点标识 | ids of the nodes along the chain
// column: names string[] | 节点名称 | names of the nodes along the chain
// column: relations string[] | 关系类型 | types of the relations along the chain
MATCH (a {id: $source})
MATCH (b {id: $target})
MATCH p = shortestPath(
  (a)-[:SUPPLIES|COLLABORATES_WITH|MEMBER_OF|INVESTS_IN|ESTABLISHED|OPERATES|HOSTS|LEADS*..8]-(b)
)
RETURN length(p) AS hops, [n IN nodes(p) | n.id] AS ids, [n IN nodes(p) | n.name] AS names,
       [r IN relationships(p) | type(r)] AS relations
LIMIT 1
