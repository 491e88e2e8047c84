// Entry of `fulfillkit/postgres`: durable storage on PostgreSQL or PGlite.
export {};
