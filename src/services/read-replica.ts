// The read replica of DATABASE_READ_URL for the HTTP server (src/db/read-replica.ts does the work;
// http reaches the database layer through services).
export { openReadReplica, type ReadReplica, type ReplicaStatus } from '../db/read-replica';
