-- The rows of the demo's shop and of the dump and drill tests: a few hundred, in every table.
insert into shop.customers (email, name)
  select 'c' || g || '@example.com', 'Customer ' || g from generate_series(1, 200) g;
insert into shop.products (name, price) select 'Product ' || g, (g % 50) + 0.99 from generate_series(1, 50) g;
insert into shop.orders (customer_id) select 1 + (g % 200) from generate_series(1, 500) g;
insert into shop.order_items (order_id, product_id, quantity)
  select 1 + (g % 500), 1 + (g % 50), 1 + (g % 3) from generate_series(1, 1000) g on conflict do nothing;
insert into shop."Größe" values ('groß', 1), ('klein', 2);
