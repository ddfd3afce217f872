DROP TABLE webhook_deliveries;
DROP TABLE webhook_events;
DROP TABLE webhook_endpoints;
DROP TABLE mail_outbox;
DROP TABLE notification_preferences;
