import { ATHENA, TRINO, type AthenaCase } from './types.js';

const AGG = `${TRINO}/functions/aggregate.html`;
const ARRAY = `${TRINO}/functions/array.html`;
const LAMBDA = `${TRINO}/functions/lambda.html`;
const SELECT = `${TRINO}/sql/select.html`;

/** Aggregates, arrays and lambdas, output names, joins and windows. */
export const QUERY_CASES: AthenaCase[] = [
  {
    name: 'an unaliased expression is named _col<i>',
    sql: `SELECT count(*) FROM orders`,
    columns: ['_col0:bigint'],
    rows: [[5]],
    source: SELECT,
  },
  {
    name: 'names mix columns, aliases and _col<i> by position',
    sql: `SELECT customer, count(*), sum(qty) AS Total FROM orders GROUP BY customer ORDER BY customer`,
    columns: ['customer:varchar', '_col1:bigint', 'total:bigint'],
    rows: [
      ['alice', 2, 5],
      ['bob', 2, 6],
      ['carol', 1, 0],
    ],
    source: SELECT,
  },
  {
    name: 'names are case-insensitive and come out in lower case',
    sql: `SELECT "ID", Customer, o.QTY FROM orders o WHERE id = 1`,
    columns: ['id:bigint', 'customer:varchar', 'qty:integer'],
    rows: [[1, 'alice', 2]],
    source: `${TRINO}/language/reserved.html`,
  },
  {
    name: 'a star keeps the table columns, and positions count after it',
    sql: `SELECT *, 1 FROM customers WHERE name = 'dave'`,
    columns: [
      'name:varchar',
      'country:varchar',
      'vip:boolean',
      '_source_key:varchar',
      '_source_version:varchar',
      '_row_number:bigint',
      '_ingested_at:timestamp(3)',
      '_execution_id:varchar',
      'date:date',
      '_col9:integer',
    ],
    rows: [['dave', null, false, null, null, null, null, null, '2026-01-01', 1]],
    source: SELECT,
  },
  {
    name: 'GROUP BY position and ORDER BY alias',
    sql: `SELECT customer AS c, sum(amount) AS total FROM orders GROUP BY 1 ORDER BY total DESC`,
    columns: ['c:varchar', 'total:decimal(38,2)'],
    rows: [
      ['bob', '120.25'],
      ['alice', '15.50'],
      ['carol', '7.75'],
    ],
    source: SELECT,
  },
  {
    name: 'OFFSET before LIMIT',
    sql: `SELECT id FROM orders ORDER BY id OFFSET 1 LIMIT 2`,
    columns: ['id:bigint'],
    rows: [[2], [3]],
    source: SELECT,
  },
  {
    name: 'a join',
    sql: `SELECT o.id, c.country FROM orders o JOIN customers c ON o.customer = c.name WHERE c.vip ORDER BY o.id`,
    columns: ['id:bigint', 'country:varchar'],
    rows: [
      [1, 'US'],
      [3, 'US'],
    ],
    source: SELECT,
  },
  {
    name: 'window functions',
    sql: `SELECT id, row_number() OVER (PARTITION BY customer ORDER BY id) AS n, sum(qty) OVER (ORDER BY id) AS running FROM orders ORDER BY id`,
    columns: ['id:bigint', 'n:bigint', 'running:bigint'],
    rows: [
      [1, 1, 2],
      [2, 1, 3],
      [3, 2, 6],
      [4, 1, 6],
      [5, 2, 11],
    ],
    source: `${TRINO}/functions/window.html`,
  },
  {
    name: 'approx_percentile, approx_distinct, count_if, bool_and',
    sql: `SELECT approx_percentile(qty, 0.5) AS p, approx_distinct(customer) AS d, count_if(qty > 1) AS c, bool_and(qty >= 0) AS b FROM orders`,
    columns: ['p:integer', 'd:bigint', 'c:bigint', 'b:boolean'],
    rows: [[2, 3, 3, true]],
    source: AGG,
  },
  {
    name: 'max_by, min_by, arbitrary, count distinct',
    sql: `SELECT max_by(customer, amount) AS hi, min_by(customer, amount) AS lo, arbitrary(customer) AS any, count(DISTINCT customer) AS n FROM orders WHERE customer = 'alice'`,
    columns: ['hi:varchar', 'lo:varchar', 'any:varchar', 'n:bigint'],
    rows: [['alice', 'alice', 'alice', 1]],
    source: AGG,
  },
  {
    name: 'array_agg with ORDER BY',
    sql: `SELECT array_agg(id ORDER BY id DESC) AS ids FROM orders`,
    columns: ['ids:array(bigint)'],
    rows: [[[5, 4, 3, 2, 1]]],
    source: AGG,
  },
  {
    name: 'listagg … WITHIN GROUP',
    sql: `SELECT listagg(customer, ',') WITHIN GROUP (ORDER BY id) AS names FROM orders`,
    columns: ['names:varchar'],
    rows: [['alice,bob,alice,carol,bob']],
    source: AGG,
  },
  {
    name: 'map_agg, element_at and cardinality on maps',
    sql: `SELECT element_at(map_agg(id, customer), 2) AS e, cardinality(map_agg(id, customer)) AS n FROM orders WHERE id <= 2`,
    columns: ['e:varchar', 'n:bigint'],
    rows: [['bob', 2]],
    source: AGG,
  },
  {
    name: 'transform and filter with lambdas',
    sql: `SELECT transform(ARRAY[1, 2, 3], x -> x * 2) AS t, filter(ARRAY[1, 2, 3, 4], x -> x % 2 = 0) AS f`,
    columns: ['t:array(integer)', 'f:array(integer)'],
    rows: [
      [
        [2, 4, 6],
        [2, 4],
      ],
    ],
    source: LAMBDA,
  },
  {
    name: 'array_join and sequence',
    sql: `SELECT array_join(ARRAY['a', 'b', 'c'], '-') AS j, sequence(1, 5) AS s, sequence(DATE '2021-01-01', DATE '2021-01-03') AS d`,
    columns: ['j:varchar', 's:array(bigint)', 'd:array(date)'],
    rows: [['a-b-c', [1, 2, 3, 4, 5], ['2021-01-01', '2021-01-02', '2021-01-03']]],
    source: ARRAY,
  },
  {
    name: 'element_at from the end and past the end',
    sql: `SELECT element_at(ARRAY[1, 2, 3], -1) AS a, element_at(ARRAY[1, 2, 3], 5) AS b, cardinality(ARRAY[1, 2, 3]) AS c`,
    columns: ['a:integer', 'b:integer', 'c:bigint'],
    rows: [[3, null, 3]],
    source: ARRAY,
  },
  {
    name: 'contains, array_distinct, array_max, array_sort',
    sql: `SELECT contains(ARRAY[1, 2, 3], 2) AS c, array_distinct(ARRAY[1, 1, 2]) AS d, array_max(ARRAY[1, 5, 3]) AS m, array_sort(ARRAY[3, 1, 2]) AS s`,
    columns: ['c:boolean', 'd:array(integer)', 'm:integer', 's:array(integer)'],
    rows: [[true, [1, 2], 5, [1, 2, 3]]],
    source: ARRAY,
  },
  {
    name: 'slice takes a start and a length',
    sql: `SELECT slice(ARRAY[1, 2, 3, 4], 2, 2) AS r`,
    columns: ['r:array(integer)'],
    rows: [[[2, 3]]],
    source: ARRAY,
  },
  {
    name: 'concat and || of arrays',
    sql: `SELECT concat(ARRAY[1], ARRAY[2]) AS a, ARRAY[1, 2] || ARRAY[3] AS b`,
    columns: ['a:array(integer)', 'b:array(integer)'],
    rows: [
      [
        [1, 2],
        [1, 2, 3],
      ],
    ],
    source: ARRAY,
  },
  {
    name: 'UNNEST, and CROSS JOIN UNNEST of a split column',
    sql: `SELECT o.id, w.word FROM orders o CROSS JOIN UNNEST(split(o.note, ' ')) AS w(word) WHERE o.id IN (1, 4) ORDER BY o.id, w.word`,
    columns: ['id:bigint', 'word:varchar'],
    rows: [
      [1, 'first'],
      [1, 'order'],
      [4, 'gift'],
      [4, 'wrap'],
    ],
    source: SELECT,
  },
  {
    name: 'UNNEST … WITH ORDINALITY',
    sql: `SELECT x, n FROM UNNEST(ARRAY['a', 'b']) WITH ORDINALITY AS t(x, n) ORDER BY n`,
    columns: ['x:varchar', 'n:bigint'],
    rows: [
      ['a', 1],
      ['b', 2],
    ],
    source: SELECT,
  },
  {
    name: 'WITH, HAVING and a decimal average per group',
    sql: `WITH big AS (SELECT * FROM orders WHERE qty > 0) SELECT customer, avg(amount) AS a FROM big GROUP BY customer HAVING count(*) > 1 ORDER BY customer`,
    columns: ['customer:varchar', 'a:decimal(12,2)'],
    rows: [
      ['alice', 7.75],
      ['bob', 60.13],
    ],
    source: SELECT,
  },
  {
    name: 'UNION ALL takes the names of its first branch',
    sql: `SELECT id, 'order' AS kind FROM orders WHERE id = 1 UNION ALL SELECT 2, 'other' ORDER BY 1`,
    columns: ['id:bigint', 'kind:varchar'],
    rows: [
      [1, 'order'],
      [2, 'other'],
    ],
    source: SELECT,
  },
  {
    name: 'a scalar subquery and a subquery in FROM',
    sql: `SELECT t.customer, t.n, (SELECT max(id) FROM orders) AS top FROM (SELECT customer, count(*) AS n FROM orders GROUP BY customer) t ORDER BY t.n DESC, t.customer LIMIT 1`,
    columns: ['customer:varchar', 'n:bigint', 'top:bigint'],
    rows: [['alice', 2, 5]],
    source: SELECT,
  },
  {
    name: 'CASE and DISTINCT',
    sql: `SELECT DISTINCT CASE WHEN qty >= 3 THEN 'many' WHEN qty > 0 THEN 'some' ELSE 'none' END AS size FROM orders ORDER BY 1`,
    columns: ['size:varchar'],
    rows: [['many'], ['none'], ['some']],
    source: `${TRINO}/functions/conditional.html#case`,
  },
  {
    name: 'an aggregate with FILTER',
    sql: `SELECT count(*) FILTER (WHERE qty > 1) AS busy, sum(qty) FILTER (WHERE customer = 'bob') AS bob FROM orders`,
    columns: ['busy:bigint', 'bob:bigint'],
    rows: [[3, 6]],
    source: AGG,
  },
  {
    name: 'lag over a window, and the daily count by date_trunc',
    sql: `SELECT date_trunc('month', order_date) AS m, count(*) AS n, lag(count(*)) OVER (ORDER BY date_trunc('month', order_date)) AS prev FROM orders GROUP BY 1 ORDER BY 1`,
    columns: ['m:date', 'n:bigint', 'prev:bigint'],
    rows: [
      ['2021-01-01', 3, null],
      ['2021-02-01', 1, 3],
      ['2021-03-01', 1, 1],
    ],
    source: `${TRINO}/functions/window.html`,
  },
  {
    name: 'current_date is a date, now() a timestamp with time zone',
    sql: `SELECT typeof(current_date) AS d, typeof(now()) AS n, current_date = CAST(now() AS date) AS same`,
    columns: ['d:varchar', 'n:varchar', 'same:boolean'],
    rows: [['date', 'timestamp(3) with time zone', true]],
    source: `${TRINO}/functions/datetime.html`,
  },
  {
    name: 'only registered partitions are read',
    sql: `SELECT count(*) AS n, max(id) AS top FROM orders`,
    columns: ['n:bigint', 'top:bigint'],
    rows: [[5, 5]],
    source: `${ATHENA}/partitions.html`,
  },
];
