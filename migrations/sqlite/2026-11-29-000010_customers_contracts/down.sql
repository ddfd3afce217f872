DROP TABLE contract_lines;
DROP TABLE contracts;
DROP TABLE customer_chorus_readiness;
DROP TABLE customers;
