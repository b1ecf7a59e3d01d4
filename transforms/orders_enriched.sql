-- The latest version of each order changed on the run date, with its customer's country.
-- Common Trino/DuckDB SQL: :run_date is bound by the runner (WHERE clauses only).
WITH orders AS (
  SELECT
    id,
    customer_id,
    amount,
    currency,
    updated_at,
    dt,
    row_number() OVER (PARTITION BY id ORDER BY updated_at DESC) AS version_rank
  FROM raw.demo_orders
  WHERE dt = :run_date
),
customers AS (
  SELECT
    id,
    country,
    row_number() OVER (PARTITION BY id ORDER BY dt DESC) AS version_rank
  FROM raw.demo_customers
  WHERE dt <= :run_date
)
SELECT
  o.id AS order_id,
  o.customer_id,
  c.country AS customer_country,
  CAST(o.amount AS DOUBLE) AS amount,
  upper(o.currency) AS currency,
  CAST(replace(replace(o.updated_at, 'T', ' '), 'Z', '') AS TIMESTAMP) AS updated_at,
  o.dt
FROM orders AS o
LEFT JOIN customers AS c
  ON c.id = o.customer_id AND c.version_rank = 1
WHERE o.version_rank = 1
