-- A recipient held by quiet hours waits until not_before (epoch ms, local window opening).
ALTER TABLE campaign_recipients ADD COLUMN not_before INTEGER NOT NULL DEFAULT 0;
