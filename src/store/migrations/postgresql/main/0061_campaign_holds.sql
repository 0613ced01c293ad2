-- PostgreSQL counterpart of migrations/sqlite/main/0061_campaign_holds.sql (BIGINT, BYTEA, identity ids).
-- A recipient held by quiet hours waits until not_before (epoch ms, local window opening).
ALTER TABLE campaign_recipients ADD COLUMN not_before BIGINT NOT NULL DEFAULT 0;
