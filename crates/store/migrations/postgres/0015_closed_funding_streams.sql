-- A funding stream that has closed stays in the catalogue as history (what the area once
-- drew on) but is left out of the strategy document by default.
ALTER TABLE strategy_funding_stream ADD COLUMN closed BOOLEAN NOT NULL DEFAULT FALSE;
