/* channel.h -- the adapter interface every provider implements.
 *
 *   parse: a provider's webhook request -> one normalised inbound message
 *   send:  one rendered message -> sent / retry later / failed for good
 *
 * Parsing is pure (no I/O) so that it can be fuzzed; sending goes through
 * httpc (libcurl). A third provider (eSMS, Twilio) is one new file that fills
 * a chan_adapter. */
#ifndef HD_CHANNEL_CHANNEL_H
#define HD_CHANNEL_CHANNEL_H

#include <stddef.h>
#include <stdint.h>

#define CHAN_ADDRESS_MAX 64
#define CHAN_EXTID_MAX   128
#define CHAN_TEXT_MAX    4096    /* UTF-8 bytes kept of one inbound text */
#define CHAN_REASON_MAX  160

typedef enum chan_event {
    CHAN_EV_TEXT = 0,     /* a text to answer */
    CHAN_EV_FOLLOW,       /* Zalo: the user followed the OA (greet them) */
    CHAN_EV_UNFOLLOW,     /* Zalo: the user left (record, do not answer) */
    CHAN_EV_OTHER,        /* picture, sticker, file, location ...: ask them to type */
    CHAN_EV_IGNORE        /* receipts, our own echoes: acknowledge, nothing else */
} chan_event;

typedef struct chan_inbound {
    chan_event event;
    char       address[CHAN_ADDRESS_MAX];     /* phones as 84xxxxxxxxx; Zalo user id */
    char       external_id[CHAN_EXTID_MAX];   /* Kannel id / Zalo msg_id; "" if none */
    char       text[CHAN_TEXT_MAX];           /* valid UTF-8, NUL-terminated */
    size_t     text_len;
    int64_t    ts_ms;                         /* provider's time, 0 if unknown */
    char       kind[32];                      /* provider's event name, for logs */
} chan_inbound;

/* The parts of an HTTP request an adapter reads. query and body are raw
 * (still percent-encoded) and may contain any bytes: UCS-2 texts from Kannel
 * carry NUL bytes once decoded, so values are always (pointer, length). */
typedef struct chan_request {
    const char *method;                       /* "GET" / "POST" */
    const char *query;   size_t query_len;    /* after '?', "" if none */
    const char *body;    size_t body_len;
    const char *content_type;                 /* NULL if none */
    const char *signature;                    /* X-ZEvent-Signature or NULL */
} chan_request;

typedef enum chan_send_status {
    CHAN_SENT = 0,        /* accepted by the provider */
    CHAN_RETRY,           /* temporary: timeout, 5xx, rate limit, expired token */
    CHAN_FAIL,            /* permanent for this message: bad request, content */
    CHAN_UNREACHABLE      /* permanent for this contact: not a follower, blocked */
} chan_send_status;

typedef struct chan_send_result {
    chan_send_status status;
    int64_t          retry_after_ms;          /* CHAN_RETRY: provider's hint, 0 = back off */
    char             provider_id[CHAN_EXTID_MAX];
    char             reason[CHAN_REASON_MAX]; /* for the outbox row; no personal data */
} chan_send_result;

typedef struct chan_outbound {
    int64_t     outbox_id;   /* ours; carried in delivery-report URLs */
    const char *address;
    const char *text;        /* already rendered for this channel */
    size_t      text_len;
} chan_outbound;

typedef struct chan_adapter chan_adapter;
struct chan_adapter {
    const char *name;        /* "sms", "zalo": the channel column of the store */
    void       *self;        /* the adapter's own settings and state */
    /* HD_OK; HD_EAUTH when a signature is missing or wrong; HD_EPARSE with err
     * filled when the request is malformed. */
    int (*parse)(chan_adapter *a, const chan_request *req, chan_inbound *out,
                 char *err, size_t errlen);
    /* Always fills out; returns HD_OK unless arguments are bad. */
    int (*send)(chan_adapter *a, const chan_outbound *m, chan_send_result *out);
    void (*destroy)(chan_adapter *a);
};

#endif
