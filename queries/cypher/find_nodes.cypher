// name: find_nodes
// title.zh: 按名称查找节点
// title.en: Find nodes by name
// description.zh: 名称包含给定文字、或标识等于它的节点，用于查找其他查询所需的标识。
// description.en: Nodes whose name contains the text, or whose id equals it: the way to find
//   the ids other queries ask for.
// param: text string example="郑州" | 名称片段或标识 | part of a name, or an id
// param: limit int example=20 default=50 | 行数上限 | at most this many rows
// example.henan: text="宇通"
// column: label string | 类别 | label of the node
// column: id string | 标识 | id of the node
// column: name string | 名称 | name of the node
MATCH (n)
WHERE n.name CONTAINS $text OR n.id = $text
RETURN labels(n)[0] AS label, n.id AS id, n.name AS name
ORDER BY id
LIMIT $limit
