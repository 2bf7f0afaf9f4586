// name: upstream_products
// title.zh: 产品的上游投入品及其生产企业数
// title.en: Upstream inputs of a product and how many enterprises make them
// description.zh: 某产品的上游投入品（至多三级），附所在层级和生产它的企业数；生产企业少的投入品是产业链的薄弱点。
// description.en: The inputs upstream of a product (up to three steps), with their depth and
//   how many enterprises make each; inputs made by few are weak points of the chain.
// articles: 4
// param: product string example="product:demo:battery" | 产品标识 | id of the product
// example.henan: product="product:汽车"
// column: input string | 投入品标识 | id of the input product
// column: name string | 投入品名称 | name of the input product
// column: depth int | 层级 | 1 for a direct input, 2 for an input of an input, ...
// column: producers int | 生产企业数 | enterprises producing it
MATCH p = (x:Product)-[:UPSTREAM_OF*1..3]->(y:Product {id: $product})
WHERE x.id <> y.id
WITH x, min(length(p)) AS depth
OPTIONAL MATCH (e:Enterprise)-[:PRODUCES]->(x)
RETURN x.id AS input, x.name AS name, depth, count(DISTINCT e) AS producers
ORDER BY depth, input
