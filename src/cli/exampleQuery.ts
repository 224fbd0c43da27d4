/** The query `lake dev` answers after loading the samples; valid in Athena and in the twin. */
export const EXAMPLE_QUERY = `SELECT d.department, j.job,
  SUM(CASE WHEN quarter(h.datetime) = 1 THEN 1 ELSE 0 END) AS q1,
  SUM(CASE WHEN quarter(h.datetime) = 2 THEN 1 ELSE 0 END) AS q2,
  SUM(CASE WHEN quarter(h.datetime) = 3 THEN 1 ELSE 0 END) AS q3,
  SUM(CASE WHEN quarter(h.datetime) = 4 THEN 1 ELSE 0 END) AS q4
FROM "lake"."hired_employees" h
JOIN "lake"."departments" d ON h.department_id = d.id
JOIN "lake"."jobs" j ON h.job_id = j.id
WHERE year(h.datetime) = 2021
GROUP BY d.department, j.job
ORDER BY d.department, j.job
LIMIT 15`;
