/* reports.h -- the reads behind the campaign reports (src/report/): counts
 * over messages, help requests, cases and contacts for one period, grouped by
 * the place they belong to. The arithmetic (medians, the SLA, sums per
 * province) is the report module's; this file only walks the rows.
 *
 * The place of a contact-based figure (conversations, help requests,
 * activations, opt-outs) is the contact's commune: contacts.commune_code,
 * else the commune of its latest case that has one, else the province of its
 * latest case with the commune unknown, else unknown altogether. The place
 * of a case figure is the case's own commune and province (the queue that
 * handles it). */
#ifndef HD_STORE_REPORTS_H
#define HD_STORE_REPORTS_H

#include "store/store.h"

#include <stdint.h>

typedef enum store_report_kind {
    STORE_REPORT_CONVERSATIONS = 1,  /* n = (contact, local day) pairs with an inbound message */
    STORE_REPORT_HELP,               /* n = help requests of (intent, resolution) */
    STORE_REPORT_CASES_OPENED,       /* n = cases created */
    STORE_REPORT_CASE_RESOLVED,      /* one case resolved: created_at, resolved_at */
    STORE_REPORT_CASE_OPEN,          /* one case open or claimed at as_of: created_at */
    STORE_REPORT_ACTIVATIONS,        /* n = contacts.activated_at in the period */
    STORE_REPORT_OPT_OUTS            /* n = contacts.opted_out_at in the period */
} store_report_kind;

typedef struct store_report_hit {
    store_report_kind kind;
    const char *commune_code;        /* NULL: unknown */
    const char *province_code;       /* NULL: unknown */
    const char *intent;              /* STORE_REPORT_HELP only */
    const char *resolution;          /* STORE_REPORT_HELP only: "bot" / "person" */
    int64_t     n;
    int64_t     created_at, resolved_at;   /* case hits */
} store_report_hit;

/* The strings of a hit live until the callback returns. A non-zero return
 * stops the scan and is returned. */
typedef int (*store_report_cb)(void *ctx, const store_report_hit *hit);

typedef struct store_report_query {
    int64_t     from_ms, to_ms;      /* the period [from, to) */
    int64_t     as_of_ms;            /* "open at the end": cases open at this instant */
    const char *province_code;       /* NULL: every province (unknown places too) */
    int         tz_offset_min;       /* where local days begin */
} store_report_query;

/* Every hit of the period (which may not begin before the local epoch), in
 * one read transaction (one consistent snapshot) unless the caller holds
 * one. */
int store_report_scan(store *s, const store_report_query *q, store_report_cb cb, void *ctx);

/* The name of a province ("Thành phố Hà Nội") from the communes table;
 * HD_ENOTFOUND for a code no commune has, HD_ETOOBIG when cap is short. */
int store_report_province_name(store *s, const char *code, char *name, size_t cap);

#endif
