DROP TABLE chorus_connections;
