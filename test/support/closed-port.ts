/**
 * A loopback port nothing listens on, for a receiver that stays down. It lies
 * below the ephemeral range, so no server asking for port 0 (in this process
 * or another) is given it, as happens to a port bound and released: a
 * notification once got a gRPC server's HTTP/2 answer there ("request
 * failed: TypeError" instead of ECONNREFUSED). Not a port fetch refuses as
 * unsafe (1 is).
 */
export const CLOSED_PORT = 2;
