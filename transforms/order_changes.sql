-- Every version of every order, kept once (an append-only change log).
SELECT
  id AS order_id,
  updated_at,
  CAST(amount AS DOUBLE) AS amount,
  upper(currency) AS currency,
  dt AS received_dt
FROM raw.demo_orders
WHERE dt = :run_date
