-- Revenue per currency for the run date, from the curated orders.
SELECT
  dt,
  currency,
  count(*) AS orders,
  sum(amount) AS revenue,
  count(DISTINCT customer_id) AS customers
FROM curated.orders_enriched
WHERE dt = :run_date
GROUP BY dt, currency
