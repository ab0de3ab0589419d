-- The shop schema of the demo and the tests, without rows (test/support/shop.ts has the row sets and a
-- partitioned table): tables with FKs, an owned and a free sequence on a default, views, an index on an
-- expression, functions and triggers, comments, a grant, extended statistics, row level security, non-ASCII names.
do $$ begin create role shop_reader; exception when duplicate_object then null; end $$;
create schema shop;
create table shop.customers (
  id bigserial primary key,
  email text not null unique,
  name text not null,
  created_at timestamptz not null default now()
);
create sequence shop.sku_seq start 1000;
create table shop.products (
  id serial primary key,
  sku int not null default nextval('shop.sku_seq'),
  name text not null unique,
  price numeric(10,2) not null check (price > 0)
);
create index products_name_lower on shop.products (lower(name));
comment on table shop.products is 'What we sell';
comment on column shop.products.price is 'in euros';
grant select on shop.products to shop_reader;
create function shop.touch() returns trigger language plpgsql as $$begin new.name := trim(new.name); return new; end$$;
create trigger products_touch before insert or update on shop.products for each row execute function shop.touch();
create statistics shop.products_stats on id, name from shop.products;
alter table shop.products enable row level security;
create policy products_all on shop.products using (true);
create table shop.orders (
  id bigserial primary key,
  customer_id bigint not null references shop.customers(id),
  ordered_at timestamptz not null default now(),
  total numeric(12,2) not null default 0
);
create index orders_customer_idx on shop.orders(customer_id);
create table shop.order_items (
  order_id bigint not null references shop.orders(id) on delete cascade,
  product_id int not null references shop.products(id),
  quantity int not null check (quantity > 0),
  primary key (order_id, product_id)
);
create function shop.touch_total() returns trigger language plpgsql as $$
begin
  update shop.orders set total = (
    select coalesce(sum(i.quantity * p.price), 0)
      from shop.order_items i join shop.products p on p.id = i.product_id
     where i.order_id = new.order_id
  ) where id = new.order_id;
  return new;
end $$;
create trigger order_items_total after insert or update on shop.order_items
  for each row execute function shop.touch_total();
create view shop.order_totals as
  select o.id, c.email, sum(i.quantity * p.price) as total
    from shop.orders o join shop.customers c on c.id = o.customer_id
    join shop.order_items i on i.order_id = o.id join shop.products p on p.id = i.product_id
   group by o.id, c.email;
create view shop.price_list as select name, price from shop.products;
create sequence shop.invoice_no start 1000;
create table shop."Größe" ("wert" text, "Café" int);
