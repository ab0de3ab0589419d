/**
 * The schema the archive and restore integration tests dump: FKs, triggers, owned and free sequences, comments,
 * grants, a partitioned table. (test/fixtures/archive/pg15-*.dump/.tar are pg_dump 15 dumps of it before events.)
 */
export const SHOP_SQL = `
create role shop_reader;
create schema shop;
create sequence shop.sku_seq start 1000;
create table shop.products (
  id serial primary key,
  sku int not null default nextval('shop.sku_seq'),
  name text not null unique,
  price numeric check (price > 0)
);
create index products_name_lower on shop.products (lower(name));
comment on table shop.products is 'things we sell';
comment on column shop.products.price is 'in cents';
grant select on shop.products to shop_reader;
create function shop.touch() returns trigger language plpgsql as $$begin new.name := trim(new.name); return new; end$$;
create trigger products_touch before insert or update on shop.products for each row execute function shop.touch();
create statistics shop.products_stats on id, name from shop.products;
alter table shop.products enable row level security;
create policy products_all on shop.products using (true);
create table shop.orders (id int generated always as identity primary key, placed timestamptz not null default now());
create table shop.order_items (
  order_id int not null references shop.orders(id),
  product_id int not null references shop.products(id),
  qty int not null check (qty > 0),
  primary key (order_id, product_id)
);
create view shop.price_list as select name, price from shop.products;
create table shop.events (id int, at date not null, what text) partition by range (at);
create table shop.events_2025 partition of shop.events for values from ('2025-01-01') to ('2026-01-01');
create table shop.events_2026 partition of shop.events for values from ('2026-01-01') to ('2027-01-01');
create index events_at on shop.events (at);
insert into shop.events values (1, '2025-05-01', 'a'), (2, '2026-02-01', 'b'), (3, '2026-03-01', 'c');
insert into shop.products (name, price) values ('apple', 30), ('pear', 45), ('plum', 12);
insert into shop.orders default values;
insert into shop.orders default values;
insert into shop.order_items values (1, 1, 3), (1, 2, 1), (2, 3, 10);
`;

/** Parses `pg_restore -l` output: the header facts and the entry lines. */
export function parsePgRestoreList(text: string): { header: Record<string, string>; created: string; lines: string[] } {
  const header: Record<string, string> = {};
  let created = '';
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^;\s+([A-Za-z_ ]+): (.*)$/.exec(line);
    if (m) header[m[1].trim()] = m[2];
    const c = /^; Archive created at (.*)$/.exec(line);
    if (c) created = c[1];
    if (/^\d+;/.test(line)) lines.push(line);
  }
  return { header, created, lines };
}
