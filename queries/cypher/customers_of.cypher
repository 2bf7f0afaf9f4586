// name: customers_of
// title.zh: 企业的直接客户
// title.en: Direct customers of an enterprise
// description.zh: 该企业供货的企业，附所供产品及其在客户投入中的份额。
// description.en: The enterprises this enterprise supplies, with the product and its share
//   of the customer's input.
// articles: 4
// param: enterprise string example="E000003" | 企业标识 | id of the enterprise
// example.henan: enterprise="ent:stock:000612"
// column: customer string | 客户标识 | id of the customer
// column: name string | 客户名称 | name of the customer
// column: product string | 产品 | product supplied
// column: share float | 份额 | share of the customer's input (0-1)
MATCH (e:Enterprise {id: $enterprise})-[r:SUPPLIES]->(c:Enterprise)
RETURN c.id AS customer, c.name AS name, r.product AS product, r.share AS share
ORDER BY customer, product
