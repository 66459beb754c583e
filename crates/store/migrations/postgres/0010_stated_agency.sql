-- Agency workers as a return states them in total (the census return's LA block gives agency
-- FTE and headcount), beside the vacancies of the role they are stated for. NULL: not stated.
ALTER TABLE vacancy ADD COLUMN agency_fte DOUBLE PRECISION;
ALTER TABLE vacancy ADD COLUMN agency_headcount DOUBLE PRECISION;
