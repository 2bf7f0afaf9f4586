// name: demonstrations_by_year
// title.zh: 每年认定的示范平台与示范创客团队
// title.en: Demonstration platforms and maker teams recognised each year
// description.zh: 按认定年份统计的示范双创平台和示范创客团队数；第 3、12 条的目标是到 2018 年各 100 个。
// description.en: Demonstration platforms and demonstration maker teams by the year they were
//   recognised; articles 3 and 12 set 100 of each by 2018.
// articles: 3, 12
// needs: Platform.demonstration/MakerTeam.demonstration | 示范平台或示范创客团队的认定年份（demonstration），公开数据中没有 | the years platforms or maker teams were recognised as demonstrations (demonstration), which the public sources lack
// column: label string | 类别 | Platform or MakerTeam
// column: year int | 认定年份 | year recognised
// column: recognised int | 认定数 | how many were recognised that year
MATCH (p:Platform)
WHERE p.demonstration IS NOT NULL
RETURN 'Platform' AS label, p.demonstration AS year, count(p) AS recognised
ORDER BY label, year
UNION ALL
MATCH (t:MakerTeam)
WHERE t.demonstration IS NOT NULL
RETURN 'MakerTeam' AS label, t.demonstration AS year, count(t) AS recognised
ORDER BY label, year
