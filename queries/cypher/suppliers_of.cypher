// name: suppliers_of
// title.zh: 企业的一级与二级供应商
// title.en: Suppliers and suppliers-of-suppliers of an enterprise
// description.zh: 直接向该企业供货的企业（第 1 层），以及向这些供应商供货的企业（第 2 层）；
//   同一企业两层都出现时取较近的一层。
// description.en: Enterprises that supply the enterprise directly (tier 1) and those that
//   supply its suppliers (tier 2); an enterprise found at both tiers is listed at the nearer.
// articles: 4
// param: enterprise string example="E000024" | 企业标识 | id of the enterprise
// example.henan: enterprise="ent:stock:600569"
// column: supplier string | 供应商标识 | id of the supplier
// column: name string | 供应商名称 | name of the supplier
// column: tier int | 层级 | 1 for a direct supplier, 2 for a supplier of a supplier
MATCH p = (s:Enterprise)-[:SUPPLIES*1..2]->(e:Enterprise {id: $enterprise})
WHERE s.id <> e.id
RETURN s.id AS supplier, s.name AS name, min(length(p)) AS tier
ORDER BY tier, supplier
