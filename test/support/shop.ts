/**
 * The shop database of the tests and the demo: one schema (shop-schema.sql) and two sets of rows.
 * SHOP_ROWS_SQL (shop-rows.sql) is a few hundred rows in every table, for dumps and drills; FEW_SHOP_ROWS_SQL is
 * a handful a restore test can count by heart (1 customer, 3 products, 2 orders, 3 order items).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cluster } from './cluster';

export const SHOP_SCHEMA_SQL = readFileSync(join(__dirname, 'shop-schema.sql'), 'utf8');
export const SHOP_ROWS_SQL = readFileSync(join(__dirname, 'shop-rows.sql'), 'utf8');
export const FEW_SHOP_ROWS_SQL = `
insert into shop.customers (email, name) values ('ann@example.com', 'Ann');
insert into shop.products (name, price) values ('apple', 30), ('pear', 45), ('plum', 12);
insert into shop.orders (customer_id) values (1), (1);
insert into shop.order_items values (1, 1, 3), (1, 2, 1), (2, 3, 10);
`;

/** A partitioned table with its rows (3 events in 2 partitions), for the tests that restore one. */
export const SHOP_EVENTS_SQL = `
create table shop.events (id int, at date not null, what text) partition by range (at);
create table shop.events_2025 partition of shop.events for values from ('2025-01-01') to ('2026-01-01');
create table shop.events_2026 partition of shop.events for values from ('2026-01-01') to ('2027-01-01');
create index events_at on shop.events (at);
insert into shop.events values (1, '2025-05-01', 'a'), (2, '2026-02-01', 'b'), (3, '2026-03-01', 'c');
`;

/** Creates database `db` with the shop schema, then runs `more` (rows, more tables) in it. */
export async function createShopDatabase(c: Cluster, db: string, more: string): Promise<void> {
  await c.psql(`create database "${db}"`);
  await c.psql(SHOP_SCHEMA_SQL + more, db);
}
