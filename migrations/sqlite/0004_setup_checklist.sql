-- When an admin was first shown the setup checklist on this server (SPEC §6 onboarding):
-- it is shown once per server.
ALTER TABLE guilds ADD COLUMN setup_checklist_shown_at TEXT;
