-- A small shop schema used by the demo and the tests: tables with FKs, a view, a sequence, an index, a function,
-- a trigger, a comment, a grant and non-ASCII names.
create schema shop;
create table shop.customers (
  id bigserial primary key,
  email text not null unique,
  name text not null,
  created_at timestamptz not null default now()
);
create table shop.products (
  id serial primary key,
  sku text not null unique,
  title text not null,
  price numeric(10,2) not null check (price >= 0)
);
create table shop.orders (
  id bigserial primary key,
  customer_id bigint not null references shop.customers(id),
  ordered_at timestamptz not null default now(),
  total numeric(12,2) not null default 0
);
create table shop.order_items (
  order_id bigint not null references shop.orders(id) on delete cascade,
  product_id int not null references shop.products(id),
  quantity int not null check (quantity > 0),
  primary key (order_id, product_id)
);
create index orders_customer_idx on shop.orders(customer_id);
create table shop."Größe" ("wert" text, "Café" int);
create sequence shop.invoice_no start 1000;
create view shop.order_totals as
  select o.id, c.email, sum(i.quantity * p.price) as total
    from shop.orders o join shop.customers c on c.id = o.customer_id
    join shop.order_items i on i.order_id = o.id join shop.products p on p.id = i.product_id
   group by o.id, c.email;
create function shop.touch_total() returns trigger language plpgsql as $$
begin
  update shop.orders set total = (select coalesce(sum(i.quantity * p.price), 0) from shop.order_items i join shop.products p on p.id = i.product_id where i.order_id = new.order_id) where id = new.order_id;
  return new;
end $$;
create trigger order_items_total after insert or update on shop.order_items for each row execute function shop.touch_total();
comment on table shop.products is 'What we sell';
insert into shop.customers (email, name) select 'c' || g || '@example.com', 'Customer ' || g from generate_series(1, 200) g;
insert into shop.products (sku, title, price) select 'SKU-' || g, 'Product ' || g, (g % 50) + 0.99 from generate_series(1, 50) g;
insert into shop.orders (customer_id) select 1 + (g % 200) from generate_series(1, 500) g;
insert into shop.order_items (order_id, product_id, quantity) select 1 + (g % 500), 1 + (g % 50), 1 + (g % 3) from generate_series(1, 1000) g on conflict do nothing;
insert into shop."Größe" values ('groß', 1), ('klein', 2);
