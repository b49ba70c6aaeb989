/** Every number the wire and the room depend on, in one place (docs/protocol.md explains each). */

export const PROTOCOL_VERSION = 5;
/** Versions this build speaks; a hello with any other is refused, naming these. */
export const SUPPORTED_VERSIONS: readonly number[] = [PROTOCOL_VERSION];

export const DEFAULT_PORT = 9999;
export const DEFAULT_TRANSFER_PORT = 22222;

/** The largest datagram we build: QUIC's safe payload on a real path (RFC 9000, 14). */
export const SAFE_PAYLOAD_BYTES = 1200;
/** The largest datagram we accept at all (Node's dgram limit on IPv4). */
export const MAX_DATAGRAM_BYTES = 65_507;
/** One reliable item's frame must fit a datagram beside an ack frame. */
export const MAX_ITEM_FRAME_BYTES = 1050;
/** Bytes of payload text a fragment carries at most (before JSON escaping is counted in). */
export const FRAGMENT_CHUNK_BYTES = 960;
/** Fragments one payload may be split into (a welcome with 200 long events needs ~900). */
export const MAX_FRAGMENTS = 2048;

export const MAX_TEXT_BYTES = 4000;
export const NAME_MAX_CHARS = 32;
export const HISTORY_EVENTS = 200;

export const HEARTBEAT_MS = 2000;
export const MEMBER_TIMEOUT_MS = 10_000;
/** How long the hub keeps answering a departed member's retransmitted leave. */
export const LINGER_MS = 3000;

/** Items in flight (sent, not yet acknowledged) per stream. */
export const SEND_WINDOW = 512;
/** How far ahead of the next expected item a receiver buffers. */
export const RECEIVE_WINDOW = 2048;
/** Items a hub may hold for one member before it resynchronises that member from history. */
export const MAX_BACKLOG_ITEMS = 8192;

export const RTO_INITIAL_MS = 300;
export const RTO_MIN_MS = 50;
export const RTO_MAX_MS = 3000;
/** Acks are sent at most this long after the data they acknowledge (QUIC's max_ack_delay). */
export const MAX_ACK_DELAY_MS = 5;
/** A later item acknowledged this many times over marks an earlier one lost (fast resend). */
export const REORDER_THRESHOLD = 3;
/** SACK ranges carried in one ack frame. */
export const MAX_SACK_RANGES = 16;

/** Datagrams: 4 MiB receive buffers trade loss for latency (see NETWORK-FACTS.md). */
export const SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

/** Messages (say, me, dm) a member may send: a token bucket at the hub. */
export const RATE_PER_SECOND = 10;
export const RATE_BURST = 20;
/** Members pace themselves at this share of the hub's rate, so piped input is delayed, not dropped. */
export const PACE_SHARE = 0.9;
/** Join attempts per source address: a bucket of 5, refilled one per 2 s. */
export const JOIN_RATE_PER_SECOND = 0.5;
export const JOIN_BURST = 5;
/** Join attempts per address prefix (IPv4 /24, IPv6 /64): a bucket of 20, two more a second. */
export const JOIN_PREFIX_RATE_PER_SECOND = 2;
export const JOIN_PREFIX_BURST = 20;
/** Join attempts overall (each costs the hub a key exchange): a bucket of 64, 16 more a second. */
export const JOIN_ALL_RATE_PER_SECOND = 16;
export const JOIN_ALL_BURST = 64;
export const MAX_MEMBERS = 256;

/**
 * Address validation (docs/protocol.md, "Joining"): a query's cookie is good for the period it
 * was made in and the next one, so for 30 to 60 s.
 */
export const COOKIE_PERIOD_MS = 30_000;
/**
 * Before a peer is a member the hub never answers a datagram with more bytes than it carried; a
 * query and a hello are padded to this size, so every answer to them fits.
 */
export const HANDSHAKE_PAD_BYTES = SAFE_PAYLOAD_BYTES;
/** A heartbeat's plaintext is padded to this, so the hub's signed `gone` (183 bytes) fits in its answer to it. */
export const PING_PAD_BYTES = 192;
/** Sessions accepted but not yet confirmed by their member's first sealed datagram: at most, and per prefix. */
export const MAX_UNCONFIRMED = 256;
export const MAX_UNCONFIRMED_PER_PREFIX = 16;
/** How long an accepted session waits for its member's first sealed datagram. */
export const UNCONFIRMED_MS = 10_000;
/** A version refusal too large for the datagram that prompted it goes to an address at most this often (and only out of the bytes it sent). */
export const OVERSIZE_REFUSAL_GAP_MS = 1000;

/** An encrypted hello older or newer than this is refused (replays of old hellos). */
export const HELLO_MAX_AGE_MS = 60_000;

/** File transfer (docs/transfer.md, "Limits"): an offer's file is dropped this long after its sender left the room. */
export const OFFER_GRACE_MS = 10 * 60_000;
/** ... or this long after it was offered, whichever comes first. */
export const OFFER_MAX_AGE_MS = 24 * 60 * 60_000;
/** A TLS handshake on the transfer port must be done within this (the request line then has as long again). */
export const TRANSFER_HANDSHAKE_TIMEOUT_MS = 10_000;
/** Connections the transfer server holds at once; more are closed as they come. */
export const TRANSFER_MAX_CONNECTIONS = 128;
/** Connections the transfer server holds at once from one address. */
export const TRANSFER_CONNECTIONS_PER_ADDRESS = 16;
/** Uploads one member may run at once on the transfer server. */
export const TRANSFER_UPLOADS_PER_MEMBER = 4;
/** Downloads one member may run at once on the transfer server. */
export const TRANSFER_DOWNLOADS_PER_MEMBER = 8;
/** Upload bytes the host holds in memory at once, over all uploads: then reading pauses. */
export const TRANSFER_MEMORY_BYTES = 128 * 1024 * 1024;

/** Entries (files and folders) one offered folder may hold; the sender refuses a larger tree. */
export const MAX_FOLDER_ENTRIES = 100_000;
