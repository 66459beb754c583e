-- Own syntax (compared by name, not content, with the other folder).
-- A yes/no answer a return does not give (a census return collects none of these) is not
-- known (NULL), not "no".
ALTER TABLE worker ALTER COLUMN common_core DROP NOT NULL;
ALTER TABLE worker ALTER COLUMN induction DROP NOT NULL;
ALTER TABLE worker ALTER COLUMN caf_trained DROP NOT NULL;
ALTER TABLE worker ALTER COLUMN lead_professional DROP NOT NULL;
ALTER TABLE worker ALTER COLUMN budget_holding DROP NOT NULL;
