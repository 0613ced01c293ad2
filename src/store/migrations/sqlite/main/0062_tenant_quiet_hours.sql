-- A tenant's own quiet hours for marketing campaigns ("20:00-08:00", "off"); empty: the
-- platform's [campaigns] quiet_hours.
ALTER TABLE tenants ADD COLUMN quiet_hours TEXT NOT NULL DEFAULT '';
