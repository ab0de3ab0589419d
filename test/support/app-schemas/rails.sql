-- A Rails-style application (what `rails db:schema:load` plus a few migrations with raw SQL leave behind): bigint
-- ids with owned sequences, dozens of tables whose foreign keys point into `users`, polymorphic columns, views over
-- `users` and a view over those views, sequences NOT OWNED BY any table (shared numbering), pg_trgm with a trigram
-- index, citext, and Rails' own schema_migrations / ar_internal_metadata.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;

CREATE TABLE public.schema_migrations (version character varying NOT NULL PRIMARY KEY);
CREATE TABLE public.ar_internal_metadata (
  key character varying NOT NULL PRIMARY KEY,
  value character varying,
  created_at timestamp(6) without time zone NOT NULL,
  updated_at timestamp(6) without time zone NOT NULL
);

CREATE TABLE public.organizations (
  id bigserial PRIMARY KEY,
  name character varying NOT NULL,
  slug character varying NOT NULL,
  created_at timestamp(6) without time zone NOT NULL DEFAULT now(),
  updated_at timestamp(6) without time zone NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX index_organizations_on_slug ON public.organizations USING btree (slug);

CREATE TABLE public.users (
  id bigserial PRIMARY KEY,
  organization_id bigint REFERENCES public.organizations (id),
  email public.citext NOT NULL,
  name character varying NOT NULL,
  encrypted_password character varying DEFAULT ''::character varying NOT NULL,
  role integer DEFAULT 0 NOT NULL,
  sign_in_count integer DEFAULT 0 NOT NULL,
  confirmed_at timestamp(6) without time zone,
  deleted_at timestamp(6) without time zone,
  created_at timestamp(6) without time zone NOT NULL DEFAULT now(),
  updated_at timestamp(6) without time zone NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX index_users_on_email ON public.users USING btree (email);
CREATE INDEX index_users_on_organization_id ON public.users USING btree (organization_id);
CREATE INDEX index_users_on_name_trgm ON public.users USING gin (name public.gin_trgm_ops);
CREATE INDEX index_users_on_deleted_at ON public.users USING btree (deleted_at) WHERE (deleted_at IS NULL);

-- Numbering shared by invoices and credit notes: a sequence no table owns.
CREATE SEQUENCE public.document_number_seq START WITH 10000 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;
-- A sequence a migration created for an external reference, used by one table but not owned by it.
CREATE SEQUENCE public.ticket_reference_seq AS integer START WITH 500 INCREMENT BY 5;

CREATE TABLE public.profiles (
  id bigserial PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES public.users (id),
  bio text,
  time_zone character varying DEFAULT 'UTC'::character varying NOT NULL,
  created_at timestamp(6) without time zone NOT NULL DEFAULT now(),
  updated_at timestamp(6) without time zone NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX index_profiles_on_user_id ON public.profiles USING btree (user_id);

CREATE TABLE public.addresses (
  id bigserial PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES public.users (id),
  street character varying,
  city character varying,
  country_code character varying(2),
  created_at timestamp(6) without time zone NOT NULL DEFAULT now(),
  updated_at timestamp(6) without time zone NOT NULL DEFAULT now()
);
CREATE INDEX index_addresses_on_user_id ON public.addresses USING btree (user_id);

CREATE TABLE public.sessions (
  id bigserial PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES public.users (id) ON DELETE CASCADE,
  token character varying NOT NULL,
  ip_address inet,
  user_agent character varying,
  created_at timestamp(6) without time zone NOT NULL DEFAULT now(),
  updated_at timestamp(6) without time zone NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX index_sessions_on_token ON public.sessions USING btree (token);
CREATE INDEX index_sessions_on_user_id ON public.sessions USING btree (user_id);

CREATE TABLE public.api_tokens (
  id bigserial PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES public.users (id) ON DELETE CASCADE,
  digest character varying NOT NULL,
  last_used_at timestamp(6) without time zone,
  created_at timestamp(6) without time zone NOT NULL DEFAULT now(),
  updated_at timestamp(6) without time zone NOT NULL DEFAULT now()
);
CREATE INDEX index_api_tokens_on_user_id ON public.api_tokens USING btree (user_id);

CREATE TABLE public.identities (
  id bigserial PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES public.users (id),
  provider character varying NOT NULL,
  uid character varying NOT NULL,
  created_at timestamp(6) without time zone NOT NULL DEFAULT now(),
  updated_at timestamp(6) without time zone NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX index_identities_on_provider_and_uid ON public.identities USING btree (provider, uid);

CREATE TABLE public.preferences (
  id bigserial PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES public.users (id),
  settings jsonb DEFAULT '{}'::jsonb NOT NULL,
  created_at timestamp(6) without time zone NOT NULL DEFAULT now(),
  updated_at timestamp(6) without time zone NOT NULL DEFAULT now()
);

CREATE TABLE public.memberships (
  id bigserial PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES public.users (id),
  organization_id bigint NOT NULL REFERENCES public.organizations (id),
  role character varying DEFAULT 'member'::character varying NOT NULL,
  created_at timestamp(6) without time zone NOT NULL DEFAULT now(),
  updated_at timestamp(6) without time zone NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX index_memberships_on_user_id_and_organization_id
  ON public.memberships USING btree (user_id, organization_id);

CREATE TABLE public.invitations (
  id bigserial PRIMARY KEY,
  inviter_id bigint NOT NULL REFERENCES public.users (id),
  invitee_id bigint REFERENCES public.users (id),
  organization_id bigint NOT NULL REFERENCES public.organizations (id),
  email character varying NOT NULL,
  accepted_at timestamp(6) without time zone,
  created_at timestamp(6) without time zone NOT NULL DEFAULT now(),
  updated_at timestamp(6) without time zone NOT NULL DEFAULT now()
);

CREATE TABLE public.projects (
  id bigserial PRIMARY KEY,
  organization_id bigint NOT NULL REFERENCES public.organizations (id),
  owner_id bigint NOT NULL REFERENCES public.users (id),
  name character varying NOT NULL,
  archived boolean DEFAULT false NOT NULL,
  created_at timestamp(6) without time zone NOT NULL DEFAULT now(),
  updated_at timestamp(6) without time zone NOT NULL DEFAULT now()
);
CREATE INDEX index_projects_on_owner_id ON public.projects USING btree (owner_id);
CREATE INDEX index_projects_on_name_trgm ON public.projects USING gist (name public.gist_trgm_ops);

CREATE TABLE public.tasks (
  id bigserial PRIMARY KEY,
  project_id bigint NOT NULL REFERENCES public.projects (id),
  assignee_id bigint REFERENCES public.users (id),
  creator_id bigint NOT NULL REFERENCES public.users (id),
  title character varying NOT NULL,
  status integer DEFAULT 0 NOT NULL,
  due_on date,
  created_at timestamp(6) without time zone NOT NULL DEFAULT now(),
  updated_at timestamp(6) without time zone NOT NULL DEFAULT now()
);
CREATE INDEX index_tasks_on_project_id_and_status ON public.tasks USING btree (project_id, status);
CREATE INDEX index_tasks_on_assignee_id ON public.tasks USING btree (assignee_id);

CREATE TABLE public.posts (
  id bigserial PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES public.users (id),
  title character varying NOT NULL,
  body text,
  published_at timestamp(6) without time zone,
  comments_count integer DEFAULT 0 NOT NULL,
  created_at timestamp(6) without time zone NOT NULL DEFAULT now(),
  updated_at timestamp(6) without time zone NOT NULL DEFAULT now()
);
CREATE INDEX index_posts_on_user_id ON public.posts USING btree (user_id);
CREATE INDEX index_posts_on_title_trgm ON public.posts USING gin (title public.gin_trgm_ops);

CREATE TABLE public.comments (
  id bigserial PRIMARY KEY,
  post_id bigint NOT NULL REFERENCES public.posts (id) ON DELETE CASCADE,
  user_id bigint NOT NULL REFERENCES public.users (id),
  body text NOT NULL,
  created_at timestamp(6) without time zone NOT NULL DEFAULT now(),
  updated_at timestamp(6) without time zone NOT NULL DEFAULT now()
);
CREATE INDEX index_comments_on_post_id ON public.comments USING btree (post_id);

CREATE TABLE public.likes (
  id bigserial PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES public.users (id),
  likeable_type character varying NOT NULL,
  likeable_id bigint NOT NULL,
  created_at timestamp(6) without time zone NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX index_likes_on_user_and_likeable ON public.likes USING btree (user_id, likeable_type, likeable_id);

CREATE TABLE public.follows (
  id bigserial PRIMARY KEY,
  follower_id bigint NOT NULL REFERENCES public.users (id),
  followed_id bigint NOT NULL REFERENCES public.users (id),
  created_at timestamp(6) without time zone NOT NULL DEFAULT now(),
  CONSTRAINT follows_not_self CHECK (follower_id <> followed_id)
);
CREATE UNIQUE INDEX index_follows_on_follower_id_and_followed_id
  ON public.follows USING btree (follower_id, followed_id);

CREATE TABLE public.notifications (
  id bigserial PRIMARY KEY,
  recipient_id bigint NOT NULL REFERENCES public.users (id),
  actor_id bigint REFERENCES public.users (id),
  kind character varying NOT NULL,
  read_at timestamp(6) without time zone,
  params jsonb,
  created_at timestamp(6) without time zone NOT NULL DEFAULT now()
);
CREATE INDEX index_notifications_on_recipient_id_unread ON public.notifications USING btree (recipient_id)
  WHERE (read_at IS NULL);

CREATE TABLE public.conversations (
  id bigserial PRIMARY KEY,
  subject character varying,
  created_at timestamp(6) without time zone NOT NULL DEFAULT now()
);
CREATE TABLE public.conversation_participants (
  id bigserial PRIMARY KEY,
  conversation_id bigint NOT NULL REFERENCES public.conversations (id),
  user_id bigint NOT NULL REFERENCES public.users (id),
  last_read_at timestamp(6) without time zone
);
CREATE TABLE public.messages (
  id bigserial PRIMARY KEY,
  conversation_id bigint NOT NULL REFERENCES public.conversations (id),
  sender_id bigint NOT NULL REFERENCES public.users (id),
  body text NOT NULL,
  created_at timestamp(6) without time zone NOT NULL DEFAULT now()
);

CREATE TABLE public.categories (
  id bigserial PRIMARY KEY,
  parent_id bigint REFERENCES public.categories (id),
  name character varying NOT NULL
);
CREATE TABLE public.products (
  id bigserial PRIMARY KEY,
  category_id bigint REFERENCES public.categories (id),
  seller_id bigint NOT NULL REFERENCES public.users (id),
  name character varying NOT NULL,
  price_cents integer DEFAULT 0 NOT NULL,
  created_at timestamp(6) without time zone NOT NULL DEFAULT now(),
  updated_at timestamp(6) without time zone NOT NULL DEFAULT now()
);
CREATE INDEX index_products_on_name_trgm ON public.products USING gin (name public.gin_trgm_ops);

CREATE TABLE public.orders (
  id bigserial PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES public.users (id),
  state character varying DEFAULT 'cart'::character varying NOT NULL,
  total_cents integer DEFAULT 0 NOT NULL,
  created_at timestamp(6) without time zone NOT NULL DEFAULT now(),
  updated_at timestamp(6) without time zone NOT NULL DEFAULT now()
);
CREATE TABLE public.order_items (
  id bigserial PRIMARY KEY,
  order_id bigint NOT NULL REFERENCES public.orders (id) ON DELETE CASCADE,
  product_id bigint NOT NULL REFERENCES public.products (id),
  quantity integer DEFAULT 1 NOT NULL
);

CREATE TABLE public.invoices (
  id bigserial PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES public.users (id),
  order_id bigint REFERENCES public.orders (id),
  number bigint DEFAULT nextval('public.document_number_seq'::regclass) NOT NULL,
  amount_cents integer NOT NULL,
  issued_on date DEFAULT CURRENT_DATE NOT NULL
);
CREATE TABLE public.credit_notes (
  id bigserial PRIMARY KEY,
  invoice_id bigint NOT NULL REFERENCES public.invoices (id),
  issued_by_id bigint NOT NULL REFERENCES public.users (id),
  number bigint DEFAULT nextval('public.document_number_seq'::regclass) NOT NULL,
  amount_cents integer NOT NULL
);
CREATE TABLE public.payments (
  id bigserial PRIMARY KEY,
  invoice_id bigint NOT NULL REFERENCES public.invoices (id),
  user_id bigint NOT NULL REFERENCES public.users (id),
  amount_cents integer NOT NULL,
  paid_at timestamp(6) without time zone
);
CREATE TABLE public.subscriptions (
  id bigserial PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES public.users (id),
  plan character varying NOT NULL,
  current_period_end timestamp(6) without time zone
);
CREATE TABLE public.support_tickets (
  id bigserial PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES public.users (id),
  reference integer DEFAULT nextval('public.ticket_reference_seq'::regclass) NOT NULL,
  subject character varying NOT NULL
);

CREATE TABLE public.tags (
  id bigserial PRIMARY KEY,
  name character varying NOT NULL,
  taggings_count integer DEFAULT 0
);
CREATE UNIQUE INDEX index_tags_on_name ON public.tags USING btree (name);
CREATE TABLE public.taggings (
  id bigserial PRIMARY KEY,
  tag_id bigint REFERENCES public.tags (id),
  taggable_type character varying,
  taggable_id bigint,
  tagger_id bigint REFERENCES public.users (id),
  context character varying(128),
  created_at timestamp without time zone
);
CREATE INDEX index_taggings_on_taggable ON public.taggings USING btree (taggable_type, taggable_id);

CREATE TABLE public.active_storage_blobs (
  id bigserial PRIMARY KEY,
  key character varying NOT NULL,
  filename character varying NOT NULL,
  content_type character varying,
  metadata text,
  service_name character varying NOT NULL,
  byte_size bigint NOT NULL,
  checksum character varying,
  created_at timestamp(6) without time zone NOT NULL
);
CREATE UNIQUE INDEX index_active_storage_blobs_on_key ON public.active_storage_blobs USING btree (key);
CREATE TABLE public.active_storage_attachments (
  id bigserial PRIMARY KEY,
  name character varying NOT NULL,
  record_type character varying NOT NULL,
  record_id bigint NOT NULL,
  blob_id bigint NOT NULL REFERENCES public.active_storage_blobs (id),
  created_at timestamp(6) without time zone NOT NULL
);
CREATE TABLE public.active_storage_variant_records (
  id bigserial PRIMARY KEY,
  blob_id bigint NOT NULL REFERENCES public.active_storage_blobs (id),
  variation_digest character varying NOT NULL
);

CREATE TABLE public.audits (
  id bigserial PRIMARY KEY,
  user_id bigint REFERENCES public.users (id),
  auditable_type character varying,
  auditable_id bigint,
  action character varying,
  audited_changes jsonb,
  created_at timestamp(6) without time zone DEFAULT now()
);
CREATE TABLE public.friendly_id_slugs (
  id bigserial PRIMARY KEY,
  slug character varying NOT NULL,
  sluggable_id integer NOT NULL,
  sluggable_type character varying(50),
  scope character varying,
  created_at timestamp(6) without time zone
);
CREATE TABLE public.good_jobs (
  id uuid DEFAULT gen_random_uuid() NOT NULL PRIMARY KEY,
  queue_name text,
  priority integer,
  serialized_params jsonb,
  scheduled_at timestamp(6) without time zone,
  performed_at timestamp(6) without time zone,
  error text,
  created_by_id bigint REFERENCES public.users (id)
);

-- Views over users, and a view over those views.
CREATE VIEW public.active_users AS
  SELECT id, organization_id, email, name, created_at FROM public.users WHERE deleted_at IS NULL;
CREATE VIEW public.confirmed_users AS
  SELECT id, email, name FROM public.users WHERE confirmed_at IS NOT NULL;
CREATE VIEW public.user_activity AS
  SELECT u.id, u.email, count(DISTINCT p.id) AS posts, count(DISTINCT c.id) AS comments
    FROM public.active_users u
    LEFT JOIN public.posts p ON p.user_id = u.id
    LEFT JOIN public.comments c ON c.user_id = u.id
   GROUP BY u.id, u.email;
CREATE VIEW public.confirmed_active_authors AS
  SELECT a.id, a.email, a.posts FROM public.user_activity a JOIN public.confirmed_users c ON c.id = a.id
   WHERE a.posts > 0;

-- Seed: a few hundred rows each, so row counts are checkable.
INSERT INTO public.schema_migrations (version)
  SELECT to_char(timestamp '2023-01-01' + g * interval '1 day', 'YYYYMMDDHH24MISS') FROM generate_series(1, 40) g;
INSERT INTO public.ar_internal_metadata (key, value, created_at, updated_at) VALUES
  ('environment', 'production', now(), now()), ('schema_sha1', 'c0ffee', now(), now());
INSERT INTO public.organizations (name, slug) SELECT 'Org ' || g, 'org-' || g FROM generate_series(1, 20) g;
INSERT INTO public.users (organization_id, email, name, confirmed_at, deleted_at)
  SELECT 1 + g % 20, 'user' || g || '@example.com', 'User ' || g,
         CASE WHEN g % 3 > 0 THEN now() END, CASE WHEN g % 10 = 0 THEN now() END
    FROM generate_series(1, 300) g;
INSERT INTO public.profiles (user_id, bio) SELECT g, 'Bio ' || g FROM generate_series(1, 300) g;
INSERT INTO public.addresses (user_id, city, country_code) SELECT 1 + g % 300, 'City ' || g, 'DE'
  FROM generate_series(1, 200) g;
INSERT INTO public.sessions (user_id, token) SELECT 1 + g % 300, md5(g::text) FROM generate_series(1, 400) g;
INSERT INTO public.memberships (user_id, organization_id) SELECT g, 1 + g % 20 FROM generate_series(1, 300) g;
INSERT INTO public.projects (organization_id, owner_id, name) SELECT 1 + g % 20, g, 'Project ' || g
  FROM generate_series(1, 100) g;
INSERT INTO public.tasks (project_id, creator_id, assignee_id, title)
  SELECT 1 + g % 100, 1 + g % 300, 1 + (g * 7) % 300, 'Task ' || g FROM generate_series(1, 500) g;
INSERT INTO public.posts (user_id, title, body) SELECT 1 + g % 300, 'Post ' || g, 'Body ' || g
  FROM generate_series(1, 300) g;
INSERT INTO public.comments (post_id, user_id, body) SELECT 1 + g % 300, 1 + (g * 3) % 300, 'Comment ' || g
  FROM generate_series(1, 600) g;
INSERT INTO public.follows (follower_id, followed_id) SELECT g, 1 + g % 300 FROM generate_series(1, 299) g;
INSERT INTO public.categories (name) SELECT 'Category ' || g FROM generate_series(1, 10) g;
INSERT INTO public.products (category_id, seller_id, name, price_cents)
  SELECT 1 + g % 10, 1 + g % 300, 'Product ' || g, g * 100 FROM generate_series(1, 200) g;
INSERT INTO public.orders (user_id, total_cents) SELECT 1 + g % 300, g * 10 FROM generate_series(1, 300) g;
INSERT INTO public.order_items (order_id, product_id, quantity) SELECT 1 + g % 300, 1 + g % 200, 1 + g % 4
  FROM generate_series(1, 600) g;
INSERT INTO public.invoices (user_id, order_id, amount_cents) SELECT 1 + g % 300, g, g * 10
  FROM generate_series(1, 300) g;
INSERT INTO public.credit_notes (invoice_id, issued_by_id, amount_cents) SELECT g, 1, 100 FROM generate_series(1, 30) g;
INSERT INTO public.support_tickets (user_id, subject) SELECT 1 + g % 300, 'Help ' || g FROM generate_series(1, 50) g;
INSERT INTO public.tags (name) SELECT 'tag' || g FROM generate_series(1, 30) g;
INSERT INTO public.taggings (tag_id, taggable_type, taggable_id, tagger_id)
  SELECT 1 + g % 30, 'Post', 1 + g % 300, 1 + g % 300 FROM generate_series(1, 400) g;
